// Writes cx's man page or a completion script to a file at build time, from
// the same command table the binary parses with:
//
//   cx_docgen man|bash|zsh|fish OUT
#include <cstdio>
#include <fstream>
#include <string>

#include "cli/completion.h"
#include "cli/man_page.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: cx_docgen man|bash|zsh|fish OUT\n");
    return 2;
  }
  const std::string what = argv[1], out = argv[2];
  const std::string text =
      what == "man" ? cx::cli::man_page(CX_VERSION) : cx::cli::completion_script(what);
  if (text.empty()) {
    std::fprintf(stderr, "cx_docgen: unknown output \"%s\"\n", what.c_str());
    return 2;
  }
  // Written whole, then renamed: a failed build leaves no half file.
  const std::string tmp = out + ".tmp";
  std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f || std::rename(tmp.c_str(), out.c_str()) != 0) {
    std::perror(out.c_str());
    std::remove(tmp.c_str());
    return 1;
  }
  return 0;
}
