// synthPlan(options) and synthWrite(options, tmpPath, name, header, onProgress[, labelsTmpPath, labelsHeader]): synthetic activations with
// planted redundancy (generator: synth/synth.h). Options arrive validated from src/synth/synth.ts and are copied into a
// plain SynthOptions on the main thread; the writing runs in an ops/job.h job.
#include <string>
#include <utility>
#include <vector>

#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "synth/synth.h"

namespace ns {

namespace {

SynthOptions parse_options(const Napi::Value& value) {
  if (!value.IsObject()) fail(Code::Argument, "synth: argument 1 must be an options object");
  const Fields o(value.As<Napi::Object>(), "synth: option ");
  SynthOptions s;
  s.tokens = o.count("tokens");
  s.neurons = o.count("neurons");
  s.layers = o.count("layers");
  s.groups = o.count("groups");
  s.group_size_min = o.count("groupSizeMin");
  s.group_size_max = o.count("groupSizeMax");
  s.noise_min = o.number("noiseMin");
  s.noise_max = o.number("noiseMax");
  s.constant = o.count("constant");
  s.large_mean = o.count("largeMean");
  s.large_mean_value = o.number("largeMeanValue");
  s.offset = o.number("offset");
  s.seed = o.count("seed");
  s.threads = o.count("threads");
  s.families = o.count("families");
  s.family_weight = o.number("familyWeight");
  s.graded = o.count("graded");
  s.graded_size = o.count("gradedSize");
  s.graded_min = o.number("gradedMin");
  s.graded_max = o.number("gradedMax");
  s.spanning = o.count("spanning");
  s.near_constant = o.count("nearConstant");
  s.near_constant_std = o.number("nearConstantStd");
  s.concepts = o.count("concepts");
  s.concept_neurons = o.count("conceptNeurons");
  s.concept_shift = o.number("conceptShift");
  s.layer_blocks = o.number("layerBlocks");
  s.tail_dof = o.count("tailDof", 1000);
  const std::string d = o.string_or("dtype", "");
  if (d != "float32" && d != "float16") fail(Code::Argument, "synth: option dtype must be 'float32' or 'float16'");
  s.float16 = d == "float16";
  if (s.layers == 0 || s.neurons % s.layers != 0) fail(Code::Argument, "synth: layers must divide neurons");
  return s;
}

Napi::Value SynthPlanJs(const Args& args) {
  Napi::Env env = args.env();
  const SynthPlan p = synth_plan(parse_options(args[0]));
  Napi::Object o = Napi::Object::New(env);
  o.Set("role", typed_copy<Napi::Int32Array>(env, p.role));
  o.Set("group", typed_copy<Napi::Int32Array>(env, p.group));
  o.Set("kind", typed_copy<Napi::Int32Array>(env, p.kind));
  o.Set("offset", float64_copy(env, p.offset));
  o.Set("scale", float64_copy(env, p.scale));
  o.Set("b", float64_copy(env, p.b));
  o.Set("concept", typed_copy<Napi::Int32Array>(env, p.concept));
  o.Set("family", typed_copy<Napi::Int32Array>(env, p.family));
  o.Set("noise", float64_copy(env, p.noise));
  o.Set("members", typed_copy<Napi::Int32Array>(env, p.members));
  o.Set("memberStart", typed_copy<Napi::Int32Array>(env, p.member_start));
  return o;
}

// synthWrite: the data file, written to `path` (removed on failure); progress is the number of rows written.
struct SynthJob {
  using Event = uint64_t;
  static constexpr JobInfo kJob{"neurosieve.synth", "out of memory"};

  SynthOptions options;
  std::string path, name, labels_path;
  std::vector<uint8_t> header, labels_header;

  void execute(const JobContext<Event>& job) {
    synth_write(options, path, name, header, labels_path, labels_header, *job.cancel, [&](uint64_t rows) { job.report(rows); });
  }

  // src/synth/synth.ts calls the progress callback with the row count alone (not an object).
  static Napi::Value progress(Napi::Env env, const Event& rows) { return Napi::Number::New(env, static_cast<double>(rows)); }

  Napi::Value result(Napi::Env env) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("rows", Napi::Number::New(env, static_cast<double>(options.tokens)));
    return r;
  }
};

Napi::Value SynthWriteJs(const Args& args) {
  SynthJob job;
  job.options = parse_options(args[0]);
  job.path = args.string(1);
  job.name = args.string(2);
  const auto h = args.typed<Napi::Uint8Array>(3);
  job.header.assign(h.Data(), h.Data() + h.ElementLength());
  if (!args[4].IsFunction()) args.fail_at(4, "a function");
  // Optional: the labels file (concepts > 0) and its header.
  if (job.options.concepts > 0) {
    job.labels_path = args.string(5);
    const auto lh = args.typed<Napi::Uint8Array>(6);
    job.labels_header.assign(lh.Data(), lh.Data() + lh.ElementLength());
  }
  return start_job(args.env(), std::move(job), {}, args.callback(4));
}

}  // namespace

void register_synth(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports, {{"synthPlan", SynthPlanJs}, {"synthWrite", SynthWriteJs}});
}

}  // namespace ns
