// A small fixed-size pool of std::threads that sleep on a condition variable between jobs.
// Why not OpenMP: with default settings its threads spin, and on a 2-core machine with the other core busy that
// made a run 7x slower (see shared/spec/stack.md). Sleeping workers cost nothing when idle.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ns {

class ThreadPool {
 public:
  // threads == 0 means std::thread::hardware_concurrency(). The calling thread also works, so a pool of
  // n threads starts n - 1 workers.
  explicit ThreadPool(size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t size() const { return size_; }

  // Runs fn(task, worker) for task in [0, tasks) and returns when all are done. worker is in [0, size()) and
  // identifies a per-thread scratch slot. Tasks are handed out dynamically, so callers that need results
  // independent of the thread count must make each task's output depend only on the task index.
  // The first exception thrown by a task is rethrown here after all tasks have stopped.
  void parallel_for(size_t tasks, const std::function<void(size_t task, size_t worker)>& fn);

 private:
  void worker_loop(size_t worker);

  size_t size_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  const std::function<void(size_t, size_t)>* job_ = nullptr;
  size_t tasks_ = 0, next_ = 0, active_ = 0;
  unsigned long generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace ns
