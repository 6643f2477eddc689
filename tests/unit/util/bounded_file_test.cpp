#include "util/bounded_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

namespace cx {
namespace {

namespace fs = std::filesystem;

class BoundedFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "cx-bounded-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  fs::path dir_;
};

TEST_F(BoundedFile, ReadsARegularFileUpToTheCap) {
  const std::string p = write("f", "0123456789");
  BoundedRead r = read_bounded_file(p, 10);
  ASSERT_TRUE(r.ok()) << r.why;
  EXPECT_EQ(r.text, "0123456789");
  EXPECT_TRUE(S_ISREG(r.mode));
  r = read_bounded_file(p, 9);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.why, "larger than the 9 bytes limit");
  EXPECT_EQ(r.err, 0);
  EXPECT_TRUE(r.text.empty());
}

// stop_after: reading ends in the chunk that completes the needle (also one
// split across two reads); without it in the file, the whole is read; the
// cap holds either way.
TEST_F(BoundedFile, StopsOnceTheNeedleIsRead) {
  const std::string needle = "-----BEGIN CERTIFICATE-----";
  const std::string filler(16384 - 10, '#');  // the needle straddles the first two reads
  const std::string p = write("ca", filler + needle + std::string(200000, 'x'));
  BoundedRead r = read_bounded_file(p, 1 << 20, needle);
  ASSERT_TRUE(r.ok()) << r.why;
  EXPECT_NE(r.text.find(needle), std::string::npos);
  EXPECT_EQ(r.text.size(), 2u * 16384);
  const std::string q = write("none", std::string(50000, 'y'));
  r = read_bounded_file(q, 1 << 20, needle);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text.size(), 50000u);
  EXPECT_FALSE(read_bounded_file(p, 1000, needle).ok());
}

TEST_F(BoundedFile, EmptyFileIsRead) {
  BoundedRead r = read_bounded_file(write("empty", ""), 10);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.text.empty());
}

TEST_F(BoundedFile, MissingFileGivesErrno) {
  BoundedRead r = read_bounded_file((dir_ / "nope").string(), 10);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.err, ENOENT);
  EXPECT_EQ(r.why, "No such file or directory");
}

// A FIFO without a writer would block a plain open(O_RDONLY) forever.
TEST_F(BoundedFile, SpecialFilesAreRefusedAtOnce) {
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(read_bounded_file(fifo, 10).why, "a FIFO, not a regular file");
  EXPECT_EQ(read_bounded_file("/dev/zero", 10).why, "a character device, not a regular file");
  EXPECT_EQ(read_bounded_file(dir_.string(), 10).why, "a directory, not a regular file");
  EXPECT_EQ(read_bounded_file(dir_.string(), 10).err, 0);
}

// Files in /proc report a size of 0: the cap holds on what read() returns.
TEST_F(BoundedFile, CapHoldsWhenTheSizeIsNotKnownAhead) {
  BoundedRead whole = read_bounded_file("/proc/self/status", 1 << 20);
  ASSERT_TRUE(whole.ok()) << whole.why;
  EXPECT_NE(whole.text.find("Name:"), std::string::npos);
  EXPECT_EQ(read_bounded_file("/proc/self/status", 16).why, "larger than the 16 bytes limit");
}

TEST(SizeText, PicksTheLargestExactUnit) {
  EXPECT_EQ(size_text(1024 * 1024), "1 MiB");
  EXPECT_EQ(size_text(8 * 1024 * 1024), "8 MiB");
  EXPECT_EQ(size_text(64 * 1024), "64 KiB");
  EXPECT_EQ(size_text(1536), "1536 bytes");
  EXPECT_EQ(size_text(100), "100 bytes");
}

}  // namespace
}  // namespace cx
