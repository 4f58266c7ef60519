#include "bench/measured_run.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "common/error.h"

extern char** environ;

namespace ns::bench {

namespace {

// neurosieve-measure, built beside the addon (native/tools/measure_child.cc).
std::string helper_path() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&helper_path), &info) == 0 || info.dli_fname == nullptr) fail(Code::Internal, "cannot locate the addon's folder");
  std::string dir = info.dli_fname;
  dir = dir.substr(0, dir.find_last_of('/') + 1);
  return dir + "neurosieve-measure";
}

}  // namespace

MeasuredRun run_measured(const std::vector<std::string>& argv, const std::string& cwd, const std::string& stdout_path,
                         const std::string& stderr_path, double timeout_seconds, const std::atomic<bool>& cancel) {
  if (argv.empty()) fail(Code::Argument, "run_measured: empty command");
  const std::string helper = helper_path();
  if (::access(helper.c_str(), X_OK) != 0) fail(Code::Io, helper + ": missing (npm run build:native builds it beside the addon)");
  const std::string result_path = stdout_path + ".rusage";
  ::unlink(result_path.c_str());
  std::vector<std::string> full{helper, result_path};
  full.insert(full.end(), argv.begin(), argv.end());
  std::vector<char*> args;
  for (const auto& a : full) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its own group: a timeout kills the helper and the command
  posix_spawnattr_setpgroup(&attr, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, helper.c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) fail(Code::Io, "cannot run " + helper + " (" + std::strerror(rc) + ")");

  MeasuredRun out;
  bool killed = false, cancelled = false;
  int status = 0;
  for (;;) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) fail(Code::Io, std::string("waitpid failed (") + std::strerror(errno) + ")");
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!killed && (cancel.load() || (timeout_seconds > 0 && elapsed > timeout_seconds))) {
      cancelled = cancel.load();
      out.timed_out = !cancelled;
      ::kill(-pid, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (cancelled) fail(Code::Cancelled, "'" + argv[0] + "': cancelled");
  std::ifstream in(result_path);
  if (killed || !(in >> out.exit_code >> out.signal >> out.max_rss_kib >> out.user_seconds >> out.system_seconds)) {
    out.exit_code = -1;
    out.signal = killed ? SIGKILL : (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  ::unlink(result_path.c_str());
  return out;
}

}  // namespace ns::bench
