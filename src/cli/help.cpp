#include <cstdio>

#include "cli/commands.h"
#include "runtime/build_command.h"

namespace cx::cli {

int cmd_help() {
  std::fputs(R"(cx - run Claude Code in an ephemeral container with one IAM role's credentials

usage:
  cx [CLAUDE-ARGS...]            run a session in the current directory (mounted at /src)
  cx run [RUN-FLAGS] [--] [CLAUDE-ARGS...]
  cx shell [RUN-FLAGS] [--] [CMD...]
                                 the same sandbox running CMD (default: bash) instead of claude
  cx build [--no-cache] [--claude-version V] [--print]
                                 build IMAGE_TAG from the Containerfile built into cx
  cx creds [--format env|json|process]
                                 assume the role and print its temporary credentials
  cx ps / cx gc                  list live sessions / clean up after sessions whose cx died
  cx doctor                      check everything a session needs (exit 0 only if all pass)
  cx init [--role ARN] [--runtime R] [--region X] [--image TAG] [--profile P] [--yes] [--force]
                                 write a commented config file (asks on a terminal)
  cx symlink [DIR] / cx unlink [DIR]
                                 create / remove DIR/cx (default ~/.local/bin)
  cx help | cx version

run flags:
  --dry-run                      print the runtime command (secrets redacted), run nothing
  --network allowlist|open       override CX_NETWORK
  --persist project|shared|none  override CX_PERSIST
  --allow-home                   allow mounting $HOME or a directory holding ~/.aws or ~/.ssh
  --verbose                      say what cx does

Arguments that are not cx's go to claude: `cx --continue`, `cx -p "explain this repo"`,
`cx -- --help` (claude's help).

config: $ENV_FILE, else ~/.claude-exec (see .claude-exec.example)
exit status: claude's own; 128+N if killed by signal N; 125 if cx failed before claude ran
)",
             stdout);
  return 0;
}

int cmd_version() {
  // The recipe is what `cx build` labels the image with (cx.image-recipe).
  std::printf("cx %s (image recipe %s)\n", CX_VERSION, runtime::image_recipe().c_str());
  return 0;
}

}  // namespace cx::cli
