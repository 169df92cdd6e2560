package review

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// sessionCookie is the name of the login cookie.
const sessionCookie = "finx_session"

// maxReviewerLen is the longest reviewer name accepted, in characters.
const maxReviewerLen = 64

// session is one logged-in reviewer.
type session struct {
	reviewer string
	// csrf is the token every form of this session carries.
	csrf    string
	expires time.Time
}

// auth holds the token and the sessions of logged-in reviewers, in memory:
// a restart logs every reviewer out.
type auth struct {
	token string
	ttl   time.Duration
	now   func() time.Time

	mu       sync.Mutex
	sessions map[string]*session
	limit    *loginLimiter
}

func newAuth(token string, ttl time.Duration, now func() time.Time) *auth {
	return &auth{token: token, ttl: ttl, now: now, sessions: make(map[string]*session), limit: newLoginLimiter(now)}
}

func (a *auth) readOnly() bool { return a.token == "" }

// checkToken compares the token in constant time.
func (a *auth) checkToken(token string) bool {
	if a.readOnly() {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(a.token)) == 1
}

// login creates a session and returns its id.
func (a *auth) login(reviewer string) (string, *session) {
	id := randomHex(32)
	s := &session{reviewer: reviewer, csrf: randomHex(32), expires: a.now().Add(a.ttl)}
	a.mu.Lock()
	defer a.mu.Unlock()
	// Drop expired sessions here, so that the map stays bounded by the
	// logins of one TTL.
	for k, old := range a.sessions {
		if a.now().After(old.expires) {
			delete(a.sessions, k)
		}
	}
	a.sessions[id] = s
	return id, s
}

// session returns the request's live session, or nil.
func (a *auth) session(r *http.Request) *session {
	if a.readOnly() {
		return nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[c.Value]
	if s == nil {
		return nil
	}
	if a.now().After(s.expires) {
		delete(a.sessions, c.Value)
		return nil
	}
	return s
}

func (a *auth) logout(r *http.Request) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return
	}
	a.mu.Lock()
	delete(a.sessions, c.Value)
	a.mu.Unlock()
}

// checkCSRF reports whether the form's csrf field equals the session's
// token.
func (s *session) checkCSRF(r *http.Request) bool {
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}

// sessionCookieFor returns the cookie that carries the session id: HttpOnly,
// SameSite=Strict, and Secure when the request came over TLS.
func sessionCookieFor(r *http.Request, id string, ttl time.Duration) *http.Cookie {
	return &http.Cookie{
		Name:     sessionCookie,
		Value:    id,
		Path:     "/",
		MaxAge:   int(ttl / time.Second),
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	}
}

// validReviewer reports whether name is 1 to 64 printable characters.
func validReviewer(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > maxReviewerLen || !utf8.ValidString(name) {
		return false
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	// crypto/rand.Read never returns an error since Go 1.24.
	rand.Read(b)
	return hex.EncodeToString(b)
}
