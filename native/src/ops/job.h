// One Node-API job for every asynchronous operation of the addon (sharp's AsyncWorker with a plain "baton",
// ../shared/spec/style.md). An operation is a plain struct:
//
//   struct SortJob {
//     static constexpr JobInfo kJob{"neurosieve.sort", "out of memory while sorting"};  // name, std::bad_alloc text
//     using Event = SortProgress;                                   // optional: one progress event (default none)
//     static constexpr bool kEveryEvent = true;                     // optional: deliver every event, not the latest
//     ...inputs (copied or pointing into kept JS arrays) and outputs...
//     void execute(const JobContext<Event>& job);                   // worker thread: no JS values; throws ns::Error
//                                                                   // (JobContext<NoEvent> without progress)
//     Napi::Value result(Napi::Env env);                            // main thread: what the promise resolves with
//     static Napi::Value progress(Napi::Env env, const Event& e);   // with Event: the progress callback's argument
//   };
//
// start_job(env, SortJob{...}, keep, onProgress) queues it, holding the JS arrays in `keep` (which the body reads)
// until it ends, and returns the { promise, cancel } object of NativeJob (src/core/native-types.ts); queue_job()
// returns only the promise. Failures are the tagged "[E_CODE] message" of common/error.h (E_INTERNAL for anything
// not an ns::Error), rejected as a JS Error that src/core/errors.ts maps. A throwing progress callback never kills
// the job. The baton is destroyed on the main thread after the promise settles.
#pragma once
#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/error.h"

namespace ns {

// The Event of a job without progress.
struct NoEvent {};

// What names a job: its async resource name, and the message of its std::bad_alloc ("[E_INTERNAL] " + it).
struct JobInfo {
  const char* name;
  const char* out_of_memory;
};

// What a job's body sees on the worker thread.
template <class Event>
class JobContext {
 public:
  JobContext(const std::atomic<bool>* cancel, std::function<void(const Event&)> send)
      : cancel(cancel), send_(std::move(send)) {}
  // Set by the JS cancel(): the body polls it (or hands it to the core's hooks) and throws E_CANCELLED.
  const std::atomic<bool>* cancel;
  // Sends one progress event to the JS thread (coalesced to the latest unless the baton sets kEveryEvent).
  void report(const Event& e) const {
    if (send_) send_(e);
  }

 private:
  std::function<void(const Event&)> send_;
};

namespace detail {

template <class B, class = void>
struct EventOf {
  using type = NoEvent;
};
template <class B>
struct EventOf<B, std::void_t<typename B::Event>> {
  using type = typename B::Event;
};

template <class B, class = void>
struct EveryEvent : std::false_type {};
template <class B>
struct EveryEvent<B, std::void_t<decltype(B::kEveryEvent)>> : std::bool_constant<B::kEveryEvent> {};

// The state and the main-thread half every job shares, whatever node-addon-api worker runs it.
template <class Baton, class Base>
class JobCore : public Base {
 public:
  using Event = typename EventOf<Baton>::type;

  Napi::Promise promise() const { return deferred_.Promise(); }
  Baton& baton() { return baton_; }
  // A JS value whose memory the body reads: referenced until the job is over.
  void keep(const Napi::Object& o) { kept_.push_back(Napi::Persistent(o)); }

  // Queues the job; the { promise, cancel } object handed to JS.
  Napi::Object start() {
    Napi::Env env = this->Env();
    Napi::Object job = Napi::Object::New(env);
    job.Set("promise", promise());
    job.Set("cancel", Napi::Function::New(env, [c = cancel_](const Napi::CallbackInfo&) { c->store(true); }, "cancel"));
    this->Queue();
    return job;
  }

  // Queues the job; only its promise (for jobs that cannot be cancelled).
  Napi::Promise queue() {
    Napi::Promise p = promise();
    this->Queue();
    return p;
  }

 protected:
  JobCore(Napi::Env env, Baton baton, Napi::Function on_progress)
      : Base(env, Baton::kJob.name), deferred_(Napi::Promise::Deferred::New(env)), baton_(std::move(baton)) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
  }

  // Runs the body on the worker thread; any failure becomes the job's tagged error.
  void run(std::function<void(const Event&)> send) {
    try {
      baton_.execute(JobContext<Event>(cancel_.get(), std::move(send)));
    } catch (...) {
      this->SetError(tagged_current_exception(Baton::kJob.out_of_memory));
    }
  }

  void deliver(const Event* data, size_t count) {
    if (on_progress_.IsEmpty()) return;
    Napi::Env env = this->Env();
    Napi::HandleScope scope(env);
    for (size_t i = 0; i < count; ++i) {
      try {
        on_progress_.Call({Baton::progress(env, data[i])});
      } catch (const Napi::Error&) {  // the TS layer owns the user's callback; nothing escaping here is fatal
      }
    }
  }

  void OnOK() override {
    try {
      deferred_.Resolve(baton_.result(this->Env()));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Baton baton_;
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  Napi::FunctionReference on_progress_;
  std::vector<Napi::ObjectReference> kept_;
};

template <class Baton>
class QuietJob final : public JobCore<Baton, Napi::AsyncWorker> {
 public:
  QuietJob(Napi::Env env, Baton baton, Napi::Function on_progress)
      : JobCore<Baton, Napi::AsyncWorker>(env, std::move(baton), on_progress) {}
  void Execute() override { this->run(nullptr); }
};

template <class Baton, class Base>
class ProgressJob final : public JobCore<Baton, Base> {
 public:
  using Event = typename EventOf<Baton>::type;
  ProgressJob(Napi::Env env, Baton baton, Napi::Function on_progress)
      : JobCore<Baton, Base>(env, std::move(baton), on_progress) {}
  void Execute(const typename Base::ExecutionProgress& progress) override {
    this->run([&progress](const Event& e) { progress.Send(&e, 1); });
  }
  void OnProgress(const Event* data, size_t count) override { this->deliver(data, count); }
};

template <class Baton, class Event = typename EventOf<Baton>::type>
struct JobKind {
  using type = ProgressJob<Baton, std::conditional_t<EveryEvent<Baton>::value, Napi::AsyncProgressQueueWorker<Event>,
                                                     Napi::AsyncProgressWorker<Event>>>;
};
template <class Baton>
struct JobKind<Baton, NoEvent> {
  using type = QuietJob<Baton>;
};

}  // namespace detail

// The worker of a baton type: a plain AsyncWorker without progress, a progress worker otherwise.
template <class Baton>
using Job = typename detail::JobKind<Baton>::type;

// A new job over `baton`. node-addon-api deletes it once it has run; start() or queue() it before returning to JS.
template <class Baton>
Job<Baton>* new_job(Napi::Env env, Baton baton, Napi::Function on_progress = Napi::Function()) {
  return new Job<Baton>(env, std::move(baton), on_progress);
}

// Queues a job over `baton` that holds the JS values in `keep` until it ends: the { promise, cancel } object.
template <class Baton>
Napi::Object start_job(Napi::Env env, Baton baton, const std::vector<Napi::Object>& keep = {},
                       Napi::Function on_progress = Napi::Function()) {
  auto* job = new_job(env, std::move(baton), on_progress);
  for (const auto& k : keep) job->keep(k);
  return job->start();
}

// The same for a job that cannot be cancelled and reports no progress: only its promise.
template <class Baton>
Napi::Promise queue_job(Napi::Env env, Baton baton, const std::vector<Napi::Object>& keep = {}) {
  auto* job = new_job(env, std::move(baton));
  for (const auto& k : keep) job->keep(k);
  return job->queue();
}

}  // namespace ns
