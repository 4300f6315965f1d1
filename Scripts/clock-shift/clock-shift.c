// An LD_PRELOAD shim that moves the wall clock, and nothing else, by CLOCK_SHIFT_SECONDS.
//
// libfaketime hangs the Swift test runner here: it also intercepts pthread_cond_timedwait and friends,
// and the concurrent runner deadlocks in them. Dates only need the wall clock, so this shim shifts
// CLOCK_REALTIME (and its coarse variant), gettimeofday and time, and leaves the monotonic clocks, sleeps
// and waits untouched. Used by Scripts/test-clock-shifted.sh; see Docs/testing.md.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long long shift_seconds(void) {
    static long long cached = 0;
    static int loaded = 0;
    if (!loaded) {
        const char *value = getenv("CLOCK_SHIFT_SECONDS");
        cached = value ? strtoll(value, NULL, 10) : 0;
        loaded = 1;
    }
    return cached;
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
    static int (*real)(clockid_t, struct timespec *) = NULL;
    if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int result = real(clock, ts);
    if (result == 0 && ts && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) {
        ts->tv_sec += shift_seconds();
    }
    return result;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    static int (*real)(struct timeval *restrict, void *restrict) = NULL;
    if (!real) real = (int (*)(struct timeval *restrict, void *restrict))dlsym(RTLD_NEXT, "gettimeofday");
    int result = real(tv, tz);
    if (result == 0 && tv) tv->tv_sec += shift_seconds();
    return result;
}

time_t time(time_t *out) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out) *out = ts.tv_sec;
    return ts.tv_sec;
}
