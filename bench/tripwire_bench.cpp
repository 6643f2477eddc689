// The workspace tripwire on a large repository: a project of 100k files in
// 1,000 directories (and a .git/hooks with git's sample hooks), snapshot
// before the session (arm) and comparison after it (check, nothing changed).
//   ./build/bench/cx_tripwire_bench
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "workspace/tripwire.h"

namespace {

namespace fs = std::filesystem;

// Made once per run under /tmp, removed at exit.
struct Repo {
  fs::path root;
  Repo() {
    char tmpl[] = "/tmp/cx-tripwire-bench-XXXXXX";
    root = ::mkdtemp(tmpl);
    for (int d = 0; d < 1000; ++d) {
      const fs::path dir = root / ("src" + std::to_string(d / 100)) / ("m" + std::to_string(d));
      fs::create_directories(dir);
      for (int f = 0; f < 100; ++f) std::ofstream(dir / ("f" + std::to_string(f) + ".c")) << "x\n";
    }
    fs::create_directories(root / ".git/hooks");
    for (int h = 0; h < 14; ++h)
      std::ofstream(root / ".git/hooks" / ("hook" + std::to_string(h) + ".sample"))
          << std::string(2000, '#') << "\n";
    std::ofstream(root / ".git/config") << "[core]\n\tbare = false\n";
  }
  ~Repo() { fs::remove_all(root); }
};

Repo& repo() {
  static Repo r;
  return r;
}

void BM_Arm100kFiles(benchmark::State& state) {
  const std::string root = repo().root.string();
  for (auto _ : state) {
    auto t = cx::workspace::Tripwire::arm(root, "");
    benchmark::DoNotOptimize(t);
    state.counters["entries"] = static_cast<double>(t->scanned());
  }
}
BENCHMARK(BM_Arm100kFiles)->Unit(benchmark::kMillisecond);

void BM_Check100kFilesUnchanged(benchmark::State& state) {
  const std::string root = repo().root.string();
  auto t = cx::workspace::Tripwire::arm(root, "");
  for (auto _ : state) {
    auto changes = t->check(false, "/nonexistent");
    if (!changes.empty()) state.SkipWithError("changes in an untouched repository");
  }
}
BENCHMARK(BM_Check100kFilesUnchanged)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
