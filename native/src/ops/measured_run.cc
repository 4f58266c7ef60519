// runMeasured(argv, cwd, stdoutPath, stderrPath, timeoutSeconds) -> NativeJob<{ exitCode, signal, wallSeconds,
// userSeconds, systemSeconds, maxRssKiB, timedOut }>: one child process, timed and its peak RSS read from wait4
// (bench/measured_run.h). cancel() kills the child.
#include <string>
#include <utility>
#include <vector>

#include "bench/measured_run.h"
#include "ops/args.h"
#include "ops/job.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {

namespace {

struct MeasuredRunJob {
  static constexpr JobInfo kJob{"neurosieve.runMeasured", "out of memory while running a command"};

  std::vector<std::string> argv;
  std::string cwd, out_path, err_path;
  double timeout = 0;
  bench::MeasuredRun run;

  void execute(const JobContext<NoEvent>& job) { run = bench::run_measured(argv, cwd, out_path, err_path, timeout, *job.cancel); }

  Napi::Value result(Napi::Env env) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("exitCode", Napi::Number::New(env, run.exit_code));
    r.Set("signal", Napi::Number::New(env, run.signal));
    r.Set("wallSeconds", Napi::Number::New(env, run.wall_seconds));
    r.Set("userSeconds", Napi::Number::New(env, run.user_seconds));
    r.Set("systemSeconds", Napi::Number::New(env, run.system_seconds));
    r.Set("maxRssKiB", Napi::Number::New(env, static_cast<double>(run.max_rss_kib)));
    r.Set("timedOut", Napi::Boolean::New(env, run.timed_out));
    return r;
  }
};

Napi::Value RunMeasured(const Args& args) {
  MeasuredRunJob job;
  if (!args[0].IsArray()) args.fail_at(0, "an array of strings");
  const auto a = args[0].As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) {
    const Napi::Value v = a.Get(i);
    if (!v.IsString()) args.fail_at(0, "an array of strings");
    job.argv.push_back(v.As<Napi::String>().Utf8Value());
  }
  if (job.argv.empty()) args.fail_at(0, "a non-empty array of strings");
  job.cwd = args.string(1);
  job.out_path = args.string(2);
  job.err_path = args.string(3);
  job.timeout = args.number(4);
  return start_job(args.env(), std::move(job), {}, args.callback(5));
}

}  // namespace

void register_measured_run(Napi::Env env, Napi::Object exports) { export_functions(env, exports, {{"runMeasured", RunMeasured}}); }

}  // namespace ns
