/// <reference types="@webgpu/types" />
/**
 * A pool of GPU buffers keyed by (size, usage): streaming passes allocate the same few buffers for every chunk,
 * and creating a buffer costs a driver allocation (and, for lavapipe, zeroing host memory). Counters say how
 * much is allocated and how often the pool was hit, for reports and benchmarks.
 */
export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  /**
   * Test hook: when set, every STORAGE buffer handed out is first filled with this value (tests use NaN), so an
   * element a kernel forgets to write cannot pass for a stale or zero value.
   */
  poisonOnAcquire: number | undefined;
  /** Bytes held by the pool, in use or free. */
  allocatedBytes = 0;
  created = 0;
  reused = 0;

  constructor(private readonly device: GPUDevice) {}

  /** A buffer of at least `size` bytes (rounded up to 256) with exactly these usage flags. */
  acquire(size: number, usage: GPUBufferUsageFlags, label?: string): GPUBuffer {
    const bytes = Math.max(256, Math.ceil(size / 256) * 256);
    const key = `${bytes}:${usage}`;
    const list = this.free.get(key);
    let b = list?.pop();
    if (b) this.reused++;
    else {
      b = this.device.createBuffer({ size: bytes, usage, label });
      this.created++;
      this.allocatedBytes += bytes;
      this.live.add(b);
    }
    if (this.poisonOnAcquire !== undefined && usage & GPUBufferUsage.STORAGE && usage & GPUBufferUsage.COPY_DST) {
      this.device.queue.writeBuffer(b, 0, new Float32Array(bytes / 4).fill(this.poisonOnAcquire));
    }
    return b;
  }

  /** Returns a buffer for reuse (it must not be mapped or used by pending work the caller still needs). */
  release(b: GPUBuffer): void {
    if (!this.live.has(b)) return;
    const key = `${b.size}:${b.usage}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(b);
  }

  /** Frees the idle buffers (between passes, to give memory back). */
  trim(): void {
    for (const list of this.free.values()) {
      for (const b of list) {
        this.allocatedBytes -= b.size;
        this.live.delete(b);
        b.destroy();
      }
    }
    this.free.clear();
  }

  destroyAll(): void {
    for (const b of this.live) b.destroy();
    this.live.clear();
    this.free.clear();
    this.allocatedBytes = 0;
  }
}
