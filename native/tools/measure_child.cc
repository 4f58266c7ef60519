// neurosieve-measure <result-file> <command> [args...]: runs the command as its child and writes to result-file
//     "<exit code> <signal> <peak RSS KiB> <user s> <system s>\n"
// from wait4's rusage. Why a separate small executable: Linux records, at exec, the peak RSS of the image being
// replaced into the new program's ru_maxrss, so a command spawned straight from Node reports Node's peak (50+
// MiB) as a floor. Spawned from this small process, the command's peak is its own. Used by
// src/ops/measured_run.cc (bench/measured_run.h), which starts it in a process group of its own so that a
// timeout kills both.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: neurosieve-measure <result-file> <command> [args...]\n");
    return 2;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    std::fprintf(stderr, "neurosieve-measure: fork failed: %s\n", std::strerror(errno));
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    std::fprintf(stderr, "neurosieve-measure: cannot run '%s': %s\n", argv[2], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      std::fprintf(stderr, "neurosieve-measure: wait4 failed: %s\n", std::strerror(errno));
      return 2;
    }
  }
  std::FILE* f = std::fopen(argv[1], "w");
  if (!f) {
    std::fprintf(stderr, "neurosieve-measure: cannot write %s: %s\n", argv[1], std::strerror(errno));
    return 2;
  }
  std::fprintf(f, "%d %d %ld %.6f %.6f\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
               static_cast<long>(ru.ru_maxrss), ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6);
  return std::fclose(f) == 0 ? 0 : 2;
}
