// The part of autocannon's programmatic API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  namespace autocannon {
    /** One request of a sequence; `setupRequest` may change it per send, `onResponse` reads the answer. */
    interface Request {
      readonly method?: string;
      readonly path?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
      setupRequest?(request: Request, context: Record<string, unknown>): Request;
      onResponse?(status: number, body: string, context: Record<string, unknown>): void;
    }
    interface Options {
      readonly url: string;
      readonly connections?: number;
      readonly duration?: number;
      readonly pipelining?: number;
      readonly requests?: readonly Request[];
    }
    interface Histogram {
      readonly p50: number;
      readonly p99: number;
      readonly average: number;
      readonly total: number;
    }
    interface Result {
      readonly requests: Histogram;
      readonly latency: Histogram;
      /** Seconds. */
      readonly duration: number;
      readonly errors: number;
      readonly timeouts: number;
      readonly non2xx: number;
    }
    /** The running load: a promise of its result that also tells each answer (response time in ms). */
    interface Instance extends PromiseLike<Result> {
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): this;
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
