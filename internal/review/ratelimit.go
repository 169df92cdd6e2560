package review

import (
	"math"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits of token guessing. The server checks at most one token per
// failDelay, from all clients together, and sends the response to a failed
// check only after failDelay. A client address with more than freeFailures failures in
// a row is locked out for 2^(failures-freeFailures) seconds, at most
// maxLockout. The failure count of an address is forgotten lockoutReset
// after its last failure.
const (
	failDelay    = time.Second
	freeFailures = 5
	maxLockout   = 15 * time.Minute
	lockoutReset = time.Hour
)

// clientFailures is the failed-login record of one client address.
type clientFailures struct {
	count       int
	last        time.Time
	lockedUntil time.Time
}

// loginLimiter decides whether a login attempt may check the token.
//
// NOTE: the limit is per process, and it keys clients by the TCP peer
// address, so behind a reverse proxy all clients share one lockout.
type loginLimiter struct {
	now func() time.Time

	mu sync.Mutex
	// next is the earliest time at which the next token check may start.
	next    time.Time
	clients map[string]*clientFailures
	// rejected counts attempts rejected with 429 since the last log line.
	rejected int
	// failedSince counts failed checks since the last log line.
	failedSince int
	lastLog     time.Time
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, clients: make(map[string]*clientFailures)}
}

// clientKey returns the host part of the request's peer address.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// reserve takes the slot for one token check. It returns zero when the
// caller may check the token now, else how long the client must wait. A
// reservation blocks every other check for failDelay, so that concurrent
// guesses are rejected instead of checked in parallel.
func (l *loginLimiter) reserve(client string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	wait := l.next.Sub(now)
	if c := l.clients[client]; c != nil {
		wait = max(wait, c.lockedUntil.Sub(now))
	}
	if wait > 0 {
		l.rejected++
		return wait
	}
	l.next = now.Add(failDelay)
	return 0
}

// succeeded frees the slot and clears the client's failures.
func (l *loginLimiter) succeeded(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next = l.now()
	delete(l.clients, client)
}

// failed records a failed check of the client and returns the client's
// count of failures in a row.
func (l *loginLimiter) failed(client string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	// Only failed checks add entries, at most one per failDelay, so pruning
	// here keeps the map below lockoutReset/failDelay entries.
	for k, c := range l.clients {
		if now.Sub(c.last) > lockoutReset {
			delete(l.clients, k)
		}
	}
	c := l.clients[client]
	if c == nil {
		c = &clientFailures{}
		l.clients[client] = c
	}
	c.count++
	c.last = now
	if n := c.count - freeFailures; n > 0 {
		lockout := maxLockout
		if n < 30 {
			lockout = min(maxLockout, time.Duration(math.Pow(2, float64(n)))*time.Second)
		}
		c.lockedUntil = now.Add(lockout)
	}
	l.failedSince++
	return c.count
}

// logInterval is the minimum time between two log lines about failed or
// rejected logins.
const logInterval = 10 * time.Second

// takeLogCounts returns the counts of failed and rejected attempts since the
// last log line, and whether a line may be logged now.
func (l *loginLimiter) takeLogCounts() (failed, rejected int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if !l.lastLog.IsZero() && now.Sub(l.lastLog) < logInterval {
		return 0, 0, false
	}
	failed, rejected = l.failedSince, l.rejected
	l.failedSince, l.rejected = 0, 0
	l.lastLog = now
	return failed, rejected, true
}
