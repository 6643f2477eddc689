#include "config/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "../bounded_child.h"

namespace cx::config {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const EnvLookup kEnv = env_from_map({{"HOME", "/home/u"}, {"USER", "u"}, {"B", "from-env"}});

ConfigFile parse_ok(std::string_view text, const EnvLookup& env = kEnv) {
  auto r = parse_config(text, "cfg", env);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ConfigFile{};
}

// The value of `key` after parsing `text` (which must parse).
std::string value(std::string_view text, std::string_view key = "A", const EnvLookup& env = kEnv) {
  const ConfigFile f = parse_ok(text, env);
  const Assignment* a = f.find(key);
  EXPECT_NE(a, nullptr) << key << " not assigned";
  return a != nullptr ? a->value : "<unset>";
}

// The error for `text` (which must fail).
Error error(std::string_view text, const EnvLookup& env = kEnv) {
  auto r = parse_config(text, "cfg", env);
  EXPECT_FALSE(r.ok()) << "parsed: " << text;
  return r.ok() ? Error{} : r.error();
}

// --- accepted syntax -------------------------------------------------------

TEST(Parser, BareAssignment) {
  const ConfigFile f = parse_ok("RUNTIME=docker\n");
  ASSERT_EQ(f.assignments().size(), 1u);
  EXPECT_EQ(f.assignments()[0].key, "RUNTIME");
  EXPECT_EQ(f.assignments()[0].value, "docker");
  EXPECT_EQ(f.path, "cfg");
}

TEST(Parser, RecordsLineAndColumns) {
  const ConfigFile f = parse_ok("\n# c\n  export  KEY=v\n");
  ASSERT_EQ(f.assignments().size(), 1u);
  EXPECT_EQ(f.assignments()[0].line, 3);
  EXPECT_EQ(f.assignments()[0].column, 11);
  EXPECT_EQ(f.assignments()[0].value_column, 15);
  EXPECT_EQ(f.where(f.assignments()[0]), "cfg:3:15");
  EXPECT_EQ(f.where(f.assignments()[0], /*at_key=*/true), "cfg:3:11");
}

TEST(Parser, ExportPrefixWithSpaceOrTab) {
  EXPECT_EQ(value("export A=1"), "1");
  EXPECT_EQ(value("export\tA=2"), "2");
}

TEST(Parser, KeyNamedExportIsAnAssignment) { EXPECT_EQ(value("export=1", "export"), "1"); }

TEST(Parser, WholeLineAndIndentedComments) {
  const ConfigFile f = parse_ok("# one\n   # two\n\t# three $(id) ; `x`\nA=1\n");
  ASSERT_EQ(f.assignments().size(), 1u);
  EXPECT_EQ(f.assignments()[0].line, 4);
}

TEST(Parser, CommentAfterBlankEndsTheValue) {
  EXPECT_EQ(value("A=b # comment; $(id)"), "b");
  EXPECT_EQ(value("A='b c'\t# comment"), "b c");
}

TEST(Parser, HashInsideAWordIsLiteral) {
  EXPECT_EQ(value("A=b#c"), "b#c");
  EXPECT_EQ(value("A=#x"), "#x");
  EXPECT_EQ(value("A='x'#y"), "x#y");
}

TEST(Parser, BlankAndWhitespaceOnlyLines) {
  const ConfigFile f = parse_ok("\n   \n\t\nA=1\n\n");
  ASSERT_EQ(f.assignments().size(), 1u);
  EXPECT_EQ(f.assignments()[0].line, 4);
}

TEST(Parser, EmptyValues) {
  EXPECT_EQ(value("A="), "");
  EXPECT_EQ(value("A=''"), "");
  EXPECT_EQ(value("A=\"\""), "");
  EXPECT_EQ(value("A= # comment"), "");
}

TEST(Parser, TrailingBlanksAreIgnored) { EXPECT_EQ(value("A=b  \t\nB=2"), "b"); }

TEST(Parser, NoTrailingNewlineNeeded) { EXPECT_EQ(value("A=last"), "last"); }

TEST(Parser, SingleQuotesAreLiteral) {
  EXPECT_EQ(value(R"(A='$B ${B} \n "x" `id` $(id) ; | & < > ( ) ~/ \')"),
            R"($B ${B} \n "x" `id` $(id) ; | & < > ( ) ~/ \)");
}

TEST(Parser, DoubleQuotesHonourTheirEscapes) {
  EXPECT_EQ(value(R"(A="q\" b\\ d\$B t\`")"), R"(q" b\ d$B t`)");
}

TEST(Parser, DoubleQuotesKeepOtherBackslashes) { EXPECT_EQ(value(R"(A="a\nb\x")"), R"(a\nb\x)"); }

TEST(Parser, DoubleQuotesKeepShellMetacharacters) {
  EXPECT_EQ(value(R"(A="a;b|c&d<e>f(g)h # i")"), "a;b|c&d<e>f(g)h # i");
}

TEST(Parser, BackslashNewlineInDoubleQuotesJoinsLines) {
  const ConfigFile f = parse_ok("A=\"ab\\\ncd\"\nB=2\n");
  EXPECT_EQ(f.find("A")->value, "abcd");
  EXPECT_EQ(f.find("B")->line, 3);
}

TEST(Parser, QuotedValuesMaySpanLines) {
  const ConfigFile f = parse_ok("A='x\ny'\nB=\"1\n2\"\nC=3\n");
  EXPECT_EQ(f.find("A")->value, "x\ny");
  EXPECT_EQ(f.find("B")->value, "1\n2");
  EXPECT_EQ(f.find("B")->line, 3);
  EXPECT_EQ(f.find("C")->line, 5);
}

TEST(Parser, SegmentsConcatenate) {
  EXPECT_EQ(value(R"(A=a"b c"'d'e)"), "ab cde");
  EXPECT_EQ(value(R"(A=$B"-"'$B')"), "from-env-$B");
}

TEST(Parser, UnquotedBackslashEscapesOneCharacter) {
  EXPECT_EQ(value(R"(A=a\ b\;c\$B\'\")"), "a b;c$B'\"");
}

TEST(Parser, UnquotedBackslashNewlineJoinsLines) {
  const ConfigFile f = parse_ok("A=ab\\\ncd\nB=2\n");
  EXPECT_EQ(f.find("A")->value, "abcd");
  EXPECT_EQ(f.find("B")->line, 3);
}

TEST(Parser, GlobAndBraceCharactersAreLiteral) {
  EXPECT_EQ(value("A=*.example.com"), "*.example.com");
  EXPECT_EQ(value("A=x{a,b}[c]?!%^"), "x{a,b}[c]?!%^");
}

TEST(Parser, EqualsSignsInTheValueAreLiteral) {
  EXPECT_EQ(value("A==b"), "=b");
  EXPECT_EQ(value("A=b=c"), "b=c");
}

TEST(Parser, NamesWithDigitsAndUnderscores) { EXPECT_EQ(value("_a1_B=x", "_a1_B"), "x"); }

TEST(Parser, Utf8PassesThrough) { EXPECT_EQ(value("A=caf\xC3\xA9"), "caf\xC3\xA9"); }

TEST(Parser, ByteOrderMarkIsSkipped) {
  const ConfigFile f = parse_ok(
      "\xEF\xBB\xBF"
      "A=1");
  EXPECT_EQ(f.find("A")->value, "1");
  EXPECT_EQ(f.find("A")->column, 1);
}

// --- expansion ---------------------------------------------------------------

TEST(Parser, DollarVarFromAnEarlierKey) { EXPECT_EQ(value("X=1\nA=$X/b", "A"), "1/b"); }

TEST(Parser, BracedVarFromAnEarlierKey) { EXPECT_EQ(value("X=1\nA=${X}b", "A"), "1b"); }

TEST(Parser, NameEndsAtTheFirstNonNameCharacter) {
  EXPECT_EQ(value("X=1\nA=$X-$X.$X", "A"), "1-1.1");
  EXPECT_EQ(value("X=1\nA=$Xb", "A"), "");  // the name is Xb, unset
}

TEST(Parser, VarFromTheEnvironment) { EXPECT_EQ(value("A=$USER"), "u"); }

TEST(Parser, EarlierKeyWinsOverTheEnvironment) { EXPECT_EQ(value("B=file\nA=$B"), "file"); }

TEST(Parser, LaterKeysAreNotVisible) {
  // As in a sourced file: A sees the environment's B, not the B below it.
  const ConfigFile f = parse_ok("A=$B\nB=file\nC=$B\n");
  EXPECT_EQ(f.find("A")->value, "from-env");
  EXPECT_EQ(f.find("C")->value, "file");
}

TEST(Parser, ExpansionSeesTheLatestEarlierAssignment) {
  EXPECT_EQ(value("X=1\nX=2\nA=$X\nX=3\n"), "2");
}

TEST(Parser, ExpansionsChain) { EXPECT_EQ(value("X=/a\nY=$X/b\nA=${Y}/c"), "/a/b/c"); }

TEST(Parser, UnsetVariableExpandsToEmpty) { EXPECT_EQ(value("A=x${NOPE}y$NOPE"), "xy"); }

TEST(Parser, ExpandedTextIsNotParsedAgain) {
  const EnvLookup env = env_from_map({{"EVIL", "$(id); rm -rf / `x` ${Y:-z} 'q"}});
  EXPECT_EQ(value("A=$EVIL", "A", env), "$(id); rm -rf / `x` ${Y:-z} 'q");
  EXPECT_EQ(value("A=\"$EVIL\"", "A", env), "$(id); rm -rf / `x` ${Y:-z} 'q");
}

TEST(Parser, ExpansionInsideDoubleQuotes) {
  EXPECT_EQ(value(R"(A="[$B] [${B}]")"), "[from-env] [from-env]");
}

TEST(Parser, NoExpansionInsideSingleQuotes) { EXPECT_EQ(value("A='$B ${B}'"), "$B ${B}"); }

TEST(Parser, LoneDollarIsLiteral) {
  EXPECT_EQ(value("A=$"), "$");
  EXPECT_EQ(value("A=a$ # c"), "a$");
  EXPECT_EQ(value("A=\"$\""), "$");
  EXPECT_EQ(value("A=\"a$ b\""), "a$ b");
  EXPECT_EQ(value("A=$/x$.y$%"), "$/x$.y$%");
}

TEST(Parser, TildeAtTheStartIsHome) {
  EXPECT_EQ(value("A=~"), "/home/u");
  EXPECT_EQ(value("A=~/"), "/home/u/");
  EXPECT_EQ(value("A=~/x/y # c"), "/home/u/x/y");
  EXPECT_EQ(value("export A=~/x"), "/home/u/x");
}

TEST(Parser, TildeElsewhereOrQuotedIsLiteral) {
  EXPECT_EQ(value("A=x~/y"), "x~/y");
  EXPECT_EQ(value("A='~/y'"), "~/y");
  EXPECT_EQ(value("A=\"~/y\""), "~/y");
  EXPECT_EQ(value("A=a:~/y"), "a:~/y");
}

// --- assignments -------------------------------------------------------------

TEST(Parser, LastAssignmentWinsAndEveryOneIsKept) {
  const ConfigFile f = parse_ok("A=1\nB=x\nA=2\n");
  ASSERT_EQ(f.assignments().size(), 3u);
  EXPECT_EQ(f.find("A")->value, "2");
  EXPECT_EQ(f.find("A")->line, 3);
  EXPECT_EQ(f.assignments()[0].line, 1);
  EXPECT_EQ(f.find("C"), nullptr);
}

TEST(Parser, EffectiveHasOneEntryPerKeyInFirstAppearanceOrder) {
  const ConfigFile f = parse_ok("A=1\nB=x\nA=2\nC=3\nB=y\n");
  const std::vector<Assignment> e = f.effective();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].key, "A");
  EXPECT_EQ(e[0].value, "2");
  EXPECT_EQ(e[0].line, 3);
  EXPECT_EQ(e[1].key, "B");
  EXPECT_EQ(e[1].value, "y");
  EXPECT_EQ(e[2].key, "C");
}

// --- refused syntax: every error names file, line and column ---------------

struct Case {
  const char* text;
  const char* where;  // "cfg:LINE:COL: "
  const char* what;   // a part of the message
};

class ParserError : public ::testing::TestWithParam<Case> {};

TEST_P(ParserError, NamesFileLineAndColumn) {
  const Case& c = GetParam();
  const Error e = error(c.text);
  EXPECT_THAT(e.message, StartsWith(c.where)) << c.text;
  EXPECT_THAT(e.message, HasSubstr(c.what)) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Syntax, ParserError,
    ::testing::Values(
        // command substitution
        Case{"A=$(id)", "cfg:1:3: ", "command substitution `$(...)`"},
        Case{"A=\"x$(id)\"", "cfg:1:5: ", "command substitution `$(...)`"},
        Case{"A=$((1+1))", "cfg:1:3: ", "command substitution"},
        Case{"A=`id`", "cfg:1:3: ", "backticks"}, Case{"A=\"x`id`\"", "cfg:1:5: ", "backticks"},
        Case{"A=x`id`", "cfg:1:4: ", "backticks"},
        // operators
        Case{"A=b;c", "cfg:1:4: ", "unquoted `;`"},
        Case{"A=b; rm -rf /", "cfg:1:4: ", "unquoted `;`"},
        Case{"A=b|c", "cfg:1:4: ", "unquoted `|`"}, Case{"A=b&", "cfg:1:4: ", "unquoted `&`"},
        Case{"A=b&&c", "cfg:1:4: ", "unquoted `&`"}, Case{"A=<x", "cfg:1:3: ", "unquoted `<`"},
        Case{"A=b>x", "cfg:1:4: ", "unquoted `>`"}, Case{"A=b)", "cfg:1:4: ", "unquoted `)`"},
        Case{"A=b(c", "cfg:1:4: ", "unquoted `(`"},
        // arrays and append
        Case{"X=(a b)", "cfg:1:3: ", "arrays are not supported"},
        Case{"X[0]=a", "cfg:1:2: ", "arrays are not supported"},
        Case{"X+=a", "cfg:1:2: ", "`+=` (append) is not supported"},
        // lines that are not assignments
        Case{"foo", "cfg:1:1: ", "expected KEY=value, found `foo`"},
        Case{"A=1\n  echo hi", "cfg:2:3: ", "expected KEY=value, found `echo`"},
        Case{"source ~/.x", "cfg:1:1: ", "found `source`"},
        Case{". ~/.x", "cfg:1:1: ", "found `.`"}, Case{"A =b", "cfg:1:1: ", "found `A`"},
        Case{"export A", "cfg:1:8: ", "found `A`"},
        Case{"export ", "cfg:1:1: ", "`export` without an assignment"},
        Case{"export  # c", "cfg:1:1: ", "`export` without an assignment"},
        Case{"$(id)", "cfg:1:1: ", "expected KEY=value"},
        // invalid names
        Case{"1A=x", "cfg:1:1: ", "starts with a digit"},
        Case{"A-B=x", "cfg:1:2: ", "invalid character `-` in variable name `A-B`"},
        Case{"A.B=x", "cfg:1:2: ", "invalid character `.`"},
        Case{"  AB$=x", "cfg:1:5: ", "invalid character `$`"},
        Case{"=x", "cfg:1:1: ", "missing variable name"},
        Case{"\"A\"=x", "cfg:1:1: ", "invalid character `\"`"},
        // quotes
        Case{"A='abc", "cfg:1:3: ", "unterminated single quote"},
        Case{"A=1\nB=x'abc\nC=2\n", "cfg:2:4: ", "unterminated single quote"},
        Case{"A=\"abc", "cfg:1:3: ", "unterminated double quote"},
        Case{"A=\"abc\\\"", "cfg:1:3: ", "unterminated double quote"},
        Case{"A=\"abc\\", "cfg:1:3: ", "unterminated double quote"},
        // blanks inside a value
        Case{"A=b c", "cfg:1:5: ", "unquoted blank in the value of A"},
        Case{"A=b\tc", "cfg:1:5: ", "unquoted blank"},
        Case{"A=\"b\" c", "cfg:1:7: ", "unquoted blank"},
        Case{"A=1 B=2", "cfg:1:5: ", "unquoted blank"},
        Case{"A=b  ;", "cfg:1:6: ", "unquoted blank"},
        // ${...}
        Case{"A=${B", "cfg:1:3: ", "`${` without a closing `}`"},
        Case{"A=${", "cfg:1:3: ", "`${` without a closing `}`"},
        Case{"A=x${B\nC=1}", "cfg:1:4: ", "`${` without a closing `}`"},
        Case{"A=${B:-x}", "cfg:1:6: ", "the `${B:...}` operator is not supported"},
        Case{"A=${B-x}", "cfg:1:6: ", "operator is not supported"},
        Case{"A=${B=x}", "cfg:1:6: ", "operator is not supported"},
        Case{"A=${B?x}", "cfg:1:6: ", "operator is not supported"},
        Case{"A=${B+x}", "cfg:1:6: ", "operator is not supported"},
        Case{"A=${B#x}", "cfg:1:6: ", "operator is not supported"},
        Case{"A=${B%x}", "cfg:1:6: ", "operator is not supported"},
        Case{"A=${B/x/y}", "cfg:1:6: ", "operator is not supported"},
        Case{"A=${B^^}", "cfg:1:6: ", "operator is not supported"},
        Case{"A=\"${B:-x}\"", "cfg:1:7: ", "operator is not supported"},
        Case{"A=${#B}", "cfg:1:5: ", "`${#...}` is not supported"},
        Case{"A=${!B}", "cfg:1:5: ", "`${!...}` is not supported"},
        Case{"A=${1}", "cfg:1:5: ", "invalid variable name"},
        Case{"A=${}", "cfg:1:5: ", "invalid variable name"},
        Case{"A=${B C}", "cfg:1:6: ", "expected `}` to close `${B`"},
        // special parameters and other quoting
        Case{"A=$1", "cfg:1:3: ", "special parameter `$1`"},
        Case{"A=$0", "cfg:1:3: ", "special parameter `$0`"},
        Case{"A=$@", "cfg:1:3: ", "special parameter `$@`"},
        Case{"A=$*", "cfg:1:3: ", "special parameter `$*`"},
        Case{"A=$#", "cfg:1:3: ", "special parameter `$#`"},
        Case{"A=$?", "cfg:1:3: ", "special parameter `$?`"},
        Case{"A=pa$$word", "cfg:1:5: ", "special parameter `$$`"},
        Case{"A=$!", "cfg:1:3: ", "special parameter `$!`"},
        Case{"A=$-", "cfg:1:3: ", "special parameter `$-`"},
        Case{"A=\"$1\"", "cfg:1:4: ", "special parameter `$1`"},
        Case{"A=$'x'", "cfg:1:3: ", "`$'...` quoting is not supported"},
        Case{"A=$\"x\"", "cfg:1:3: ", "`$\"...` quoting is not supported"},
        // tilde, backslash, bytes
        Case{"A=~root/x", "cfg:1:3: ", "`~user` is not supported"},
        Case{"A=b\\", "cfg:1:4: ", "backslash at the end of the file"},
        Case{"A=b\r\n", "cfg:1:4: ", "carriage return"},
        Case{"A=1\r\nB=2\r\n", "cfg:1:4: ", "Windows line endings"},
        Case{"A='b\r'", "cfg:1:5: ", "carriage return"},
        Case{"A=\x01", "cfg:1:3: ", "control character 0x01"},
        Case{"A=x\x7f", "cfg:1:4: ", "control character 0x7f"},
        Case{"\n\n  A=$(x)", "cfg:3:5: ", "command substitution"}),
    // Readable ctest names: the case's index and the position it expects.
    [](const ::testing::TestParamInfo<Case>& param_info) {
      std::string name = std::to_string(param_info.index) + "_at_";
      for (const char* p = param_info.param.where; *p; ++p)
        name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
      while (!name.empty() && name.back() == '_') name.pop_back();
      return name;
    });

TEST(Parser, NulByteIsRefused) {
  const Error e = error(std::string_view("A=b\0c", 5));
  EXPECT_THAT(e.message, StartsWith("cfg:1:4: control character 0x00"));
}

TEST(Parser, TildeWithoutHomeIsAnError) {
  const Error e = error("A=~/x", env_from_map({}));
  EXPECT_THAT(e.message, StartsWith("cfg:1:3: cannot expand `~`: HOME is not set"));
}

TEST(Parser, ErrorsCarryHints) {
  EXPECT_THAT(error("A=b;c").hint, HasSubstr("single quotes"));
  EXPECT_THAT(error("A=b c").hint, HasSubstr("A=\"a b\""));
  EXPECT_THAT(error("foo").hint, HasSubstr("does not run it"));
  EXPECT_THAT(error("A=b\r").hint, HasSubstr("dos2unix"));
}

TEST(Parser, LongWordsThatMayBeSecretsAreNotEchoed) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  EXPECT_EQ(error(secret).message, "cfg:1:1: expected KEY=value");
  EXPECT_EQ(error(secret + "==").message, "cfg:1:14: invalid character `/` in variable name");
  EXPECT_EQ(error("1" + secret + "=").message, "cfg:1:1: variable name starts with a digit");
  EXPECT_EQ(error("1A=x").message, "cfg:1:1: variable name `1A` starts with a digit");
}

TEST(Parser, ErrorUsesThePathAsGiven) {
  auto r = parse_config("A=$(x)", "/home/u/.claude-exec", kEnv);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, StartsWith("/home/u/.claude-exec:1:3: "));
}

TEST(Parser, ErrorStopsAtTheFirstProblem) {
  EXPECT_THAT(error("A=1\nB=$(x)\nC=`y`\n").message, StartsWith("cfg:2:3: "));
}

TEST(Parser, ErrorsInCommentsAreIgnored) {
  EXPECT_EQ(parse_ok("# A=$(id); `x` ${y:-z}\nA=1 # $(id) `x`\n").assignments().size(), 1u);
}

// --- limits -----------------------------------------------------------------

// Parses `text` in a child capped at 1 GiB: the error message, or "parsed".
std::string bounded_parse(const std::string& text) {
  return cx::test_util::in_bounded_child([&] {
    auto r = parse_config(text, "cfg", kEnv);
    return r.ok() ? std::string("parsed") : r.error().message;
  });
}

// Lines 1-17 build A up to exactly the 64 KiB cap (line k holds 2^(k-1) bytes).
std::string sixty_four_kib_a() {
  std::string text = "A=x\n";
  for (int i = 0; i < 16; ++i) text += "A=$A$A\n";
  return text;
}

TEST(ParserLimits, DoublingExpansionStopsAtTheValueCap) {
  // 40 doublings would be a terabyte; on line 18 the second $A goes past the cap.
  std::string text = sixty_four_kib_a();
  for (int i = 0; i < 24; ++i) text += "A=$A$A\n";
  EXPECT_EQ(bounded_parse(text), "cfg:18:5: the value of A is longer than 64 KiB");
  EXPECT_THAT(error(sixty_four_kib_a() + "A=$A$A\n").hint, HasSubstr("A=$A$A"));
  EXPECT_EQ(value(sixty_four_kib_a()).size(), kMaxValueBytes);
}

TEST(ParserLimits, BracedAndQuotedExpansionsCountToo) {
  std::string text = "A=x\n";
  for (int i = 0; i < 40; ++i) text += "A=\"${A}${A}\"\n";
  EXPECT_EQ(bounded_parse(text), "cfg:18:8: the value of A is longer than 64 KiB");
}

TEST(ParserLimits, OneLineOfManyExpansionsStopsEarly) {
  // 100k copies of a 64 KiB A on one line would be 6.4 GB.
  std::string text = sixty_four_kib_a() + "B=";
  for (int i = 0; i < 100000; ++i) text += "$A";
  EXPECT_EQ(bounded_parse(text), "cfg:18:5: the value of B is longer than 64 KiB");
}

TEST(ParserLimits, LongLiteralValueIsRefused) {
  EXPECT_EQ(value("A=" + std::string(kMaxValueBytes, 'v')).size(), kMaxValueBytes);
  EXPECT_EQ(error("A=" + std::string(kMaxValueBytes + 1, 'v')).message,
            "cfg:1:3: the value of A is longer than 64 KiB");
  const std::string long_key(100, 'K');
  EXPECT_EQ(error(long_key + "=" + std::string(kMaxValueBytes + 1, 'v')).message,
            "cfg:1:102: the value of " + std::string(64, 'K') + "... is longer than 64 KiB");
  EXPECT_EQ(error("A=${" + long_key + ":-x}").message,
            "cfg:1:105: the `${" + std::string(64, 'K') + "...:...}` operator is not supported");
}

TEST(ParserLimits, WholeFileExpansionIsCapped) {
  // Building A took 128 KiB - 1 of values (each one counts, overwritten or
  // not); then 62 copies of A fit in the 4 MiB, and the 63rd, B62 on line 80,
  // goes past.
  std::string text = sixty_four_kib_a();
  for (int i = 0; i < 80; ++i) text += "B" + std::to_string(i) + "=$A\n";
  EXPECT_EQ(bounded_parse(text),
            "cfg:80:5: the values of the file are longer than 4 MiB when expanded");
}

TEST(ParserLimits, AssignmentCount) {
  std::string text;
  for (size_t i = 0; i < kMaxAssignments; ++i) text += "K" + std::to_string(i) + "=v\n";
  const ConfigFile f = parse_ok(text);
  EXPECT_EQ(f.assignments().size(), kMaxAssignments);
  EXPECT_EQ(f.find("K9999")->value, "v");
  EXPECT_EQ(f.effective().size(), kMaxAssignments);
  text += "# comments and blank lines do not count\n\nLAST=1\n";
  const Error e = error(text);
  EXPECT_EQ(e.message, "cfg:10003:1: more than 10000 assignments");
  EXPECT_THAT(e.hint, HasSubstr("ENV_FILE"));
}

TEST(ParserLimits, RepeatedKeysFindTheLastAssignment) {
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += "A=" + std::to_string(i) + "\nB" + std::to_string(i) + "=$A\n";
  }
  const ConfigFile f = parse_ok(text);
  EXPECT_EQ(f.find("A")->value, "4999");
  EXPECT_EQ(f.find("A")->line, 9999);
  EXPECT_EQ(f.find("B1234")->value, "1234");
  EXPECT_EQ(f.find("nope"), nullptr);
}

}  // namespace
}  // namespace cx::config
