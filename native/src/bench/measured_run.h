// One child process run and measured for `neurosieve bench-redundancy` (src/bench/): wall time from spawn to
// reap, and the peak resident set size the kernel reports for it through wait4 (ru_maxrss: the command's own peak,
// or that of the largest descendant it waited for). Node's child_process gives no rusage of a child, and GNU time
// is not everywhere, hence this. The command runs under neurosieve-measure (tools/measure_child.cc), a small
// parent that reports the rusage: spawned from Node directly, its ru_maxrss would start at Node's own peak.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace ns::bench {

struct MeasuredRun {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  double wall_seconds = 0;
  double user_seconds = 0, system_seconds = 0;
  int64_t max_rss_kib = 0;
  bool timed_out = false;
};

// Spawns argv[0] (looked up in PATH) with argv under neurosieve-measure (beside the addon), in `cwd`, stdout and
// stderr appended to the two files, the environment inherited; polls every 2 ms until it exits. Past
// `timeout_seconds` (> 0) or once `cancel` is set, the process group gets SIGKILL (then timed_out, or
// ns::Error(E_CANCELLED) after reaping it). A command that cannot be started exits 127 with the reason on stderr.
// Throws ns::Error(E_IO) when the helper is missing or cannot be spawned.
MeasuredRun run_measured(const std::vector<std::string>& argv, const std::string& cwd, const std::string& stdout_path,
                         const std::string& stderr_path, double timeout_seconds, const std::atomic<bool>& cancel);

}  // namespace ns::bench
