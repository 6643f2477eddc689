#include "runtime/build_progress.h"

#include <gtest/gtest.h>

namespace cx::runtime {
namespace {

using std::chrono::seconds;

TEST(BuildStep, Podman) {
  auto s = parse_build_step("STEP 2/12: RUN apt-get update");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->number, 2);
  EXPECT_EQ(s->total, 12);
  EXPECT_EQ(s->text, "RUN apt-get update");
  // A multi-stage build names the stage first.
  s = parse_build_step("[2/2] STEP 3/7: COPY --from=relay /out/cx-relay /usr/local/bin/");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->number, 3);
  EXPECT_EQ(s->total, 7);
  EXPECT_EQ(s->text, "COPY --from=relay /out/cx-relay /usr/local/bin/");
  EXPECT_EQ(s->stage, 2);
  EXPECT_EQ(s->stages, 2);
  EXPECT_EQ(progress_line(*s, seconds(3), 80),
            "cx: [2/2] step 3/7: COPY --from=relay /out/cx-relay /usr/local/bin/ (3s)");
  EXPECT_EQ(parse_build_step("STEP 1/2: FROM x")->stages, 0);
}

TEST(BuildStep, DockerLegacyBuilder) {
  auto s = parse_build_step("Step 1/3 : FROM debian:bookworm-slim");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->number, 1);
  EXPECT_EQ(s->total, 3);
  EXPECT_EQ(s->text, "FROM debian:bookworm-slim");
}

TEST(BuildStep, BuildKitPlainProgress) {
  auto s = parse_build_step("#5 [2/3] RUN echo hi");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->number, 2);
  EXPECT_EQ(s->total, 3);
  EXPECT_EQ(s->text, "RUN echo hi");
  s = parse_build_step("#12 [relay 4/5] RUN cc -O2 -o /out/cx-relay cx-relay.c");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->number, 4);
  EXPECT_EQ(s->total, 5);
  EXPECT_EQ(s->text, "RUN cc -O2 -o /out/cx-relay cx-relay.c");
}

TEST(BuildStep, OtherLinesAreNotSteps) {
  for (const char* line : {"", "hi", "--> 3dc1adad364", "COMMIT localhost/cx:latest",
                           "#1 [internal] load build definition from Dockerfile", "#5 DONE 0.3s",
                           "#5 0.308 hi", " ---> Running in 6051238ff79e", "STEP 3: RUN x",
                           "STEP 4/3: RUN x", "STEP 0/3: RUN x", "STEP -1/3: RUN x",
                           "Step 1/x : FROM y", "STEP 99999999999999999999/1: RUN", "#x [1/2] RUN",
                           "#5 [1/2 RUN", "stepped 1/2: no"}) {
    EXPECT_FALSE(parse_build_step(line)) << line;
  }
}

TEST(BuildStep, ControlCharactersAreShownAsQuestionMarks) {
  auto s = parse_build_step("STEP 1/2: RUN echo \033[2Jgone\x7f");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->text, "RUN echo ?[2Jgone?");
}

TEST(BuildOutput, LinesSplitAcrossChunksAndTheNewestStepWins) {
  BuildOutput out;
  out.feed("STEP 1/3: FROM x\nSTEP 2/");
  ASSERT_TRUE(out.step());
  EXPECT_EQ(out.step()->number, 1);
  out.feed("3: RUN make\nbuilding...\r50%\r100%\n");
  EXPECT_EQ(out.step()->number, 2);
  EXPECT_EQ(out.step()->text, "RUN make");
  out.feed("STEP 3/3: COMMIT");  // no newline yet
  EXPECT_EQ(out.step()->number, 2);
  out.finish();
  EXPECT_EQ(out.step()->number, 3);
  EXPECT_EQ(out.tail(), (std::vector<std::string>{"STEP 1/3: FROM x", "STEP 2/3: RUN make",
                                                  "building...", "50%", "100%",
                                                  "STEP 3/3: COMMIT"}));
}

TEST(BuildOutput, TailIsBoundedInLinesAndLength) {
  BuildOutput out(3);
  for (int i = 0; i < 100; ++i) out.feed("line " + std::to_string(i) + "\n\n");
  EXPECT_EQ(out.tail(), (std::vector<std::string>{"line 97", "line 98", "line 99"}));
  out.feed(std::string(1'000'000, 'x') + "\n");
  ASSERT_EQ(out.tail().size(), 3u);
  EXPECT_EQ(out.tail().back(), std::string(BuildOutput::kMaxLine, 'x') + "...");
}

TEST(BuildProgress, ElapsedTime) {
  EXPECT_EQ(format_elapsed(seconds(0)), "0s");
  EXPECT_EQ(format_elapsed(seconds(59)), "59s");
  EXPECT_EQ(format_elapsed(seconds(65)), "1m05s");
  EXPECT_EQ(format_elapsed(seconds(3600 + 120 + 5)), "1h02m");
  EXPECT_EQ(format_elapsed(seconds(-3)), "0s");
}

TEST(BuildProgress, LineFitsTheTerminalAndKeepsTheTime) {
  EXPECT_EQ(progress_line(std::nullopt, seconds(4), 80), "cx: building (4s)");
  BuildStep step{3, 12, "RUN apt-get install -y --no-install-recommends ca-certificates curl"};
  EXPECT_EQ(progress_line(step, seconds(65), 200),
            "cx: step 3/12: RUN apt-get install -y --no-install-recommends ca-certificates curl "
            "(1m05s)");
  const std::string narrow = progress_line(step, seconds(65), 40);
  EXPECT_EQ(narrow, "cx: step 3/12: RUN apt-get i... (1m05s)");
  EXPECT_LE(narrow.size(), 39u);
  EXPECT_LE(progress_line(step, seconds(65), 5).size(), 4u);
}

TEST(BuildProgress, CutsUtf8AtCharacterBoundaries) {
  BuildStep step{1, 2, "RUN echo \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"};
  // 35 columns: 34 usable, " (1s)" takes 5, so 29 characters of text: 26 and "...".
  const std::string line = progress_line(step, seconds(1), 35);
  EXPECT_EQ(line, "cx: step 1/2: RUN echo \xc3\xa9\xc3\xa9\xc3\xa9... (1s)") << line;
}

}  // namespace
}  // namespace cx::runtime
