#include "util/term_style.h"

#include <gtest/gtest.h>

#include <unistd.h>

namespace cx::term {
namespace {

const std::optional<std::string> kUnset;

TEST(TermStyle, ColourOnATerminalWithATerm) {
  EXPECT_TRUE(colour_wanted(true, kUnset, "xterm-256color"));
  EXPECT_TRUE(colour_wanted(true, kUnset, "screen"));
}

TEST(TermStyle, NeverOutsideATerminal) {
  EXPECT_FALSE(colour_wanted(false, kUnset, "xterm-256color"));
  EXPECT_FALSE(colour_wanted(false, std::string(), "xterm"));
}

TEST(TermStyle, NoColorSetToAnythingTurnsItOff) {
  EXPECT_FALSE(colour_wanted(true, std::string("1"), "xterm"));
  EXPECT_FALSE(colour_wanted(true, std::string("0"), "xterm"));  // any non-empty value
  // Set but empty means unset (no-color.org).
  EXPECT_TRUE(colour_wanted(true, std::string(), "xterm"));
}

TEST(TermStyle, DumbOrMissingTermHasNoColour) {
  EXPECT_FALSE(colour_wanted(true, kUnset, "dumb"));
  EXPECT_FALSE(colour_wanted(true, kUnset, kUnset));
  EXPECT_FALSE(colour_wanted(true, kUnset, std::string()));
}

TEST(TermStyle, PaintLeavesTextAloneWhenNotAtTerminal) {
  // The test runner's stdout and stderr are not terminals under ctest; a
  // descriptor that is neither 1 nor 2 never gets colour.
  EXPECT_EQ(paint(5, Tint::kRed, "x"), "x");
  if (!colour(STDERR_FILENO)) {
    EXPECT_EQ(error_prefix(), "cx: error:");
    EXPECT_EQ(warning_prefix(), "cx: warning:");
  } else {
    EXPECT_EQ(error_prefix(), "\033[1;31mcx: error:\033[0m");
    EXPECT_EQ(warning_prefix(), "\033[1;33mcx: warning:\033[0m");
  }
}

}  // namespace
}  // namespace cx::term
