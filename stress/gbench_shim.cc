// The only C++ of the suite: gbench_shim.h implemented over Google
// Benchmark 1.7.1. Each function is a thin forwarder; the few places that
// do more say why.
#include "stress/gbench_shim.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace benchmark {
// Defined and exported by libbenchmark 1.7.1 (BM_DEFINE_string), not
// declared in its public header. gb_count_matching() clears the first for
// the dry run so that the user's --benchmark_out file is not truncated by a
// run that turns out to select nothing; gb_run() reads the second to know
// when the file is JSON (see JsonNullReporter).
extern std::string FLAGS_benchmark_out;
extern std::string FLAGS_benchmark_out_format;
} // namespace benchmark

namespace {

using benchmark::Counter;
using benchmark::State;

// gb_set_counter passes the C bits through unchanged.
constexpr bool same_bits(unsigned c, Counter::Flags cc)
{
	return c == static_cast<unsigned>(cc);
}
static_assert(same_bits(GB_COUNTER_RATE, Counter::kIsRate), "counter flag bits");
static_assert(same_bits(GB_COUNTER_AVG_THREADS, Counter::kAvgThreads), "counter flag bits");
static_assert(same_bits(GB_COUNTER_ITER_INVARIANT, Counter::kIsIterationInvariant),
	      "counter flag bits");
static_assert(same_bits(GB_COUNTER_AVG_ITERATIONS, Counter::kAvgIterations),
	      "counter flag bits");
static_assert(same_bits(GB_COUNTER_INVERT, Counter::kInvert), "counter flag bits");

State *S(gb_state *st) { return reinterpret_cast<State *>(st); }
const State *S(const gb_state *st) { return reinterpret_cast<const State *>(st); }
benchmark::internal::Benchmark *B(gb_bench *b)
{
	return reinterpret_cast<benchmark::internal::Benchmark *>(b);
}

// Reports nothing and stops before running: used to count the instances a
// filter selects with Google Benchmark's own matcher.
class CountOnlyReporter : public benchmark::BenchmarkReporter {
public:
	bool ReportContext(const Context &) override { return false; }
	void ReportRuns(const std::vector<Run> &) override {}
};

// Forwards to the reporter --benchmark_format asked for, and prints a
// progress line to stderr as each benchmark finishes, for callers that
// capture stdout (the default `./bench` run).
class ProgressReporter : public benchmark::BenchmarkReporter {
public:
	ProgressReporter(benchmark::BenchmarkReporter *inner, size_t total)
		: inner_(inner), total_(total),
		  start_(std::chrono::steady_clock::now())
	{
	}
	bool ReportContext(const Context &c) override
	{
		return inner_->ReportContext(c);
	}
	void ReportRuns(const std::vector<Run> &runs) override
	{
		inner_->ReportRuns(runs);
		for (const Run &r : runs) {
			if (r.run_type != Run::RT_Iteration ||
			    r.repetition_index + 1 < r.repetitions)
				continue;
			double s = std::chrono::duration<double>(
					   std::chrono::steady_clock::now() - start_)
					   .count();
			std::fprintf(stderr, "[%zu/%zu %.1fs] %s\n", ++done_, total_,
				     s, r.benchmark_name().c_str());
		}
	}
	void Finalize() override { inner_->Finalize(); }

private:
	std::unique_ptr<benchmark::BenchmarkReporter> inner_;
	size_t total_;
	size_t done_ = 0;
	std::chrono::steady_clock::time_point start_;
};

// Google Benchmark's JSON writer prints a non-finite double as NaN or
// Infinity, which is not JSON. With repetitions it does so for every
// counter that is 0 in each repetition (the _cv aggregate is 0/0), and
// fn == 0 is exactly what a safe tracker reports. This reporter buffers the
// JSON reporter's output and writes those values as null.
class JsonNullReporter : public benchmark::BenchmarkReporter {
public:
	JsonNullReporter()
	{
		inner_.SetOutputStream(&buf_);
		inner_.SetErrorStream(&buf_);
	}
	bool ReportContext(const Context &c) override
	{
		return inner_.ReportContext(c);
	}
	void ReportRuns(const std::vector<Run> &runs) override
	{
		inner_.ReportRuns(runs);
	}
	void Finalize() override
	{
		inner_.Finalize();
		GetOutputStream() << NullNonFinite(buf_.str());
		GetOutputStream().flush();
	}

private:
	// Values only: in Google Benchmark's JSON a value follows ": ".
	static std::string NullNonFinite(const std::string &in)
	{
		static const char *const bad[] = {": -NaN", ": NaN", ": -Infinity",
						  ": Infinity"};
		std::string out;

		out.reserve(in.size());
		for (size_t i = 0; i < in.size();) {
			size_t len = 0;

			for (const char *b : bad)
				if (in.compare(i, std::strlen(b), b) == 0) {
					len = std::strlen(b);
					break;
				}
			if (len) {
				out += ": null";
				i += len;
			} else {
				out += in[i++];
			}
		}
		return out;
	}

	benchmark::JSONReporter inner_;
	std::ostringstream buf_;
};

} // namespace

extern "C" {

gb_bench *gb_register(const char *name, gb_fn fn, void *user)
{
	auto *b = benchmark::RegisterBenchmark(
		name, [fn, user](State &st) { fn(reinterpret_cast<gb_state *>(&st), user); });
	return reinterpret_cast<gb_bench *>(b);
}

void gb_bench_arg(gb_bench *b, int64_t x) { B(b)->Arg(x); }

void gb_bench_args(gb_bench *b, const int64_t *x, size_t n)
{
	B(b)->Args(std::vector<int64_t>(x, x + n));
}

void gb_bench_range(gb_bench *b, int64_t lo, int64_t hi) { B(b)->Range(lo, hi); }
void gb_bench_arg_name(gb_bench *b, const char *name) { B(b)->ArgName(name); }
void gb_bench_threads(gb_bench *b, int threads) { B(b)->Threads(threads); }
void gb_bench_use_real_time(gb_bench *b) { B(b)->UseRealTime(); }

void gb_bench_unit(gb_bench *b, enum gb_time_unit unit)
{
	static const benchmark::TimeUnit units[] = {
		benchmark::kNanosecond, benchmark::kMicrosecond,
		benchmark::kMillisecond, benchmark::kSecond};
	B(b)->Unit(units[unit]);
}

bool gb_keep_running_batch(gb_state *st, int64_t n)
{
	return S(st)->KeepRunningBatch(n);
}

bool gb_keep_running(gb_state *st) { return S(st)->KeepRunning(); }
int64_t gb_range(const gb_state *st, size_t i) { return S(st)->range(i); }
int gb_threads(const gb_state *st) { return S(st)->threads(); }
int gb_thread_index(const gb_state *st) { return S(st)->thread_index(); }
int64_t gb_iterations(const gb_state *st) { return S(st)->iterations(); }
void gb_pause_timing(gb_state *st) { S(st)->PauseTiming(); }
void gb_resume_timing(gb_state *st) { S(st)->ResumeTiming(); }

void gb_set_counter(gb_state *st, const char *name, double value, unsigned flags)
{
	S(st)->counters[name] =
		Counter(value, static_cast<Counter::Flags>(flags));
}

void gb_set_label(gb_state *st, const char *label) { S(st)->SetLabel(label); }
void gb_skip_with_error(gb_state *st, const char *msg) { S(st)->SkipWithError(msg); }
bool gb_error_occurred(const gb_state *st) { return S(st)->error_occurred(); }

void gb_initialize(int *argc, char **argv) { benchmark::Initialize(argc, argv); }

bool gb_report_unrecognized(int argc, char **argv)
{
	return benchmark::ReportUnrecognizedArguments(argc, argv);
}

void gb_add_context(const char *key, const char *value)
{
	benchmark::AddCustomContext(key, value);
}

void gb_get_filter(char *buf, size_t len)
{
	std::snprintf(buf, len, "%s", benchmark::GetBenchmarkFilter().c_str());
}

size_t gb_count_matching(char *msg, size_t len)
{
	CountOnlyReporter counter;
	std::ostringstream out, err;
	std::string saved_out = benchmark::FLAGS_benchmark_out;

	counter.SetOutputStream(&out);
	counter.SetErrorStream(&err);
	benchmark::FLAGS_benchmark_out.clear();
	size_t n = benchmark::RunSpecifiedBenchmarks(&counter);
	benchmark::FLAGS_benchmark_out = saved_out;
	if (msg && len) {
		std::string e = err.str();
		while (!e.empty() && (e.back() == '\n' || e.back() == ' '))
			e.pop_back();
		std::snprintf(msg, len, "%s", e.c_str());
	}
	return n;
}

size_t gb_run(bool progress)
{
	std::unique_ptr<JsonNullReporter> file;
	std::unique_ptr<benchmark::BenchmarkReporter> display;

	// A file reporter may only be given with --benchmark_out (else
	// Google Benchmark exits); other formats keep its own reporter.
	if (!benchmark::FLAGS_benchmark_out.empty() &&
	    benchmark::FLAGS_benchmark_out_format == "json")
		file.reset(new JsonNullReporter());
	if (progress)
		display.reset(new ProgressReporter(
			benchmark::CreateDefaultDisplayReporter(),
			gb_count_matching(nullptr, 0)));
	else
		display.reset(benchmark::CreateDefaultDisplayReporter());
	return benchmark::RunSpecifiedBenchmarks(display.get(), file.get());
}

void gb_shutdown(void) { benchmark::Shutdown(); }
void gb_clear_registered(void) { benchmark::ClearRegisteredBenchmarks(); }

} // extern "C"
