#include "util/shell_words.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> split(std::string_view text) {
  auto r = split_shell_words(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::vector<std::string>{};
}

TEST(ShellWords, EmptyAndBlankInputGiveNoWords) {
  EXPECT_THAT(split(""), IsEmpty());
  EXPECT_THAT(split("  \t\n "), IsEmpty());
}

TEST(ShellWords, BlanksAndNewlinesSeparateWords) {
  EXPECT_THAT(split("--model  opus\t-p\nx"), ElementsAre("--model", "opus", "-p", "x"));
}

TEST(ShellWords, SingleQuotesAreLiteral) {
  EXPECT_THAT(split(R"('a b' 'x\"$y\\')"), ElementsAre("a b", R"(x\"$y\\)"));
}

TEST(ShellWords, DoubleQuotesHonourTheirFourEscapes) {
  EXPECT_THAT(split(R"("a \" \\ \$ \` b")"), ElementsAre("a \" \\ $ ` b"));
}

TEST(ShellWords, DoubleQuotesKeepOtherBackslashes) {
  EXPECT_THAT(split(R"("a\nb\x")"), ElementsAre(R"(a\nb\x)"));
}

TEST(ShellWords, BackslashNewlineInsideDoubleQuotesJoinsLines) {
  EXPECT_THAT(split("\"ab\\\ncd\""), ElementsAre("abcd"));
}

TEST(ShellWords, UnquotedBackslashEscapesTheNextCharacter) {
  EXPECT_THAT(split(R"(a\ b \' \" \\)"), ElementsAre("a b", "'", "\"", "\\"));
}

TEST(ShellWords, UnquotedBackslashNewlineJoinsLines) {
  EXPECT_THAT(split("ab\\\ncd \\\n ef"), ElementsAre("abcd", "ef"));
}

TEST(ShellWords, SegmentsConcatenateIntoOneWord) {
  EXPECT_THAT(split(R"(a"b c"'d e'f)"), ElementsAre("ab cd ef"));
}

TEST(ShellWords, EmptyQuotesMakeAnEmptyWord) {
  EXPECT_THAT(split(R"(a '' "" b)"), ElementsAre("a", "", "", "b"));
}

TEST(ShellWords, NothingIsExpanded) {
  EXPECT_THAT(split("$HOME ~/x *.txt #comment $(id) `id`"),
              ElementsAre("$HOME", "~/x", "*.txt", "#comment", "$(id)", "`id`"));
}

TEST(ShellWords, UnterminatedSingleQuoteIsAnError) {
  auto r = split_shell_words("ab 'cd");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unterminated single quote at character 4");
}

TEST(ShellWords, UnterminatedDoubleQuoteIsAnError) {
  auto r = split_shell_words(R"(x "a\")");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unterminated double quote at character 3");
}

TEST(ShellWords, TrailingBackslashIsAnError) {
  auto r = split_shell_words("abc\\");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("lone backslash"));
  EXPECT_THAT(r.error().message, HasSubstr("character 4"));
}

TEST(ShellWords, QuoteLeavesPlainWordsAlone) {
  EXPECT_EQ(quote_shell_word("--model=opus"), "--model=opus");
  EXPECT_EQ(quote_shell_word("/a/b.c:d,e+f@g%"), "/a/b.c:d,e+f@g%");
}

TEST(ShellWords, QuoteQuotesEverythingElse) {
  EXPECT_EQ(quote_shell_word(""), "''");
  EXPECT_EQ(quote_shell_word("a b"), "'a b'");
  EXPECT_EQ(quote_shell_word("it's"), R"('it'\''s')");
  EXPECT_EQ(quote_shell_word("$HOME"), "'$HOME'");
}

TEST(ShellWords, QuotedWordsSplitBackToThemselves) {
  const std::vector<std::string> words = {
      "",          "plain",     "a b",       "it's", "\"q\"", "back\\slash",
      "$x `y` ~z", "new\nline", "tab\there", "'"};
  std::string line;
  for (const std::string& w : words) line += quote_shell_word(w) + " ";
  EXPECT_EQ(split(line), words);
}

}  // namespace
}  // namespace cx
