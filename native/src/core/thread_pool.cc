#include "core/thread_pool.h"

#include <algorithm>

namespace ns {

ThreadPool::ThreadPool(size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  size_ = threads;
  for (size_t w = 1; w < size_; ++w) workers_.emplace_back([this, w] { worker_loop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::parallel_for(size_t tasks, const std::function<void(size_t, size_t)>& fn) {
  if (tasks == 0) return;
  if (size_ == 1 || tasks == 1) {
    for (size_t t = 0; t < tasks; ++t) fn(t, 0);
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  job_ = &fn;
  tasks_ = tasks;
  next_ = 0;
  active_ = 1;  // the caller
  error_ = nullptr;
  ++generation_;
  wake_.notify_all();
  // The caller takes tasks too, then waits for workers still inside a task.
  while (next_ < tasks_) {
    size_t t = next_++;
    lock.unlock();
    try {
      fn(t, 0);
    } catch (...) {
      lock.lock();
      if (!error_) error_ = std::current_exception();
      next_ = tasks_;  // stop handing out work
      continue;
    }
    lock.lock();
  }
  --active_;
  done_.wait(lock, [this] { return active_ == 0; });
  job_ = nullptr;
  if (error_) {
    auto e = error_;
    error_ = nullptr;
    std::rethrow_exception(e);
  }
}

void ThreadPool::worker_loop(size_t worker) {
  unsigned long seen = 0;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || (generation_ != seen && job_ && next_ < tasks_); });
    if (stop_) return;
    seen = generation_;
    ++active_;
    const auto* fn = job_;
    while (next_ < tasks_) {
      size_t t = next_++;
      lock.unlock();
      try {
        (*fn)(t, worker);
      } catch (...) {
        lock.lock();
        if (!error_) error_ = std::current_exception();
        next_ = tasks_;
        continue;
      }
      lock.lock();
    }
    if (--active_ == 0) done_.notify_all();
  }
}

}  // namespace ns
