package edgartest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func get(t *testing.T, url, agent string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", agent)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServerEnforcesAgentAndRate(t *testing.T) {
	srv := New(t, Config{Rate: 2})
	srv.Bytes("/a", []byte("a"))
	const agent = "Finx Tests tests@example.com"

	if status, body := get(t, srv.URL+"/a", "Go-http-client/1.1"); status != http.StatusForbidden || !strings.Contains(body, "Undeclared Automated Tool") {
		t.Errorf("undeclared agent: got %d %q, want 403 with the undeclared-tool page", status, body)
	}
	// That request counts too, so the second declared one is the third
	// in this second and exceeds the rate of 2.
	if status, _ := get(t, srv.URL+"/a", agent); status != http.StatusOK {
		t.Errorf("second request: got %d, want 200", status)
	}
	if status, body := get(t, srv.URL+"/a", agent); status != http.StatusForbidden || !strings.Contains(body, "Request Rate Threshold Exceeded") {
		t.Errorf("third request within a second: got %d %q, want 403 with the rate page", status, body)
	}
	if n, _ := srv.MaxPerSecond(); n != 3 {
		t.Errorf("MaxPerSecond = %d, want 3", n)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || reqs[0].Status != http.StatusForbidden || reqs[1].Status != http.StatusOK {
		t.Errorf("request log: got %+v", reqs)
	}
}

func TestServerFaultsInOrder(t *testing.T) {
	srv := New(t, Config{})
	srv.Bytes("/doc", []byte("<html>doc</html>"))
	srv.Fail("/doc", Notice200, ServerError)
	const agent = "Finx Tests tests@example.com"
	wants := []struct {
		status int
		body   string
	}{
		{http.StatusOK, "Request Rate Threshold Exceeded"},
		{http.StatusServiceUnavailable, "Service Unavailable"},
		{http.StatusOK, "<html>doc</html>"},
	}
	for i, w := range wants {
		status, body := get(t, srv.URL+"/doc", agent)
		if status != w.status || !strings.Contains(body, w.body) {
			t.Errorf("request %d: got %d %q, want %d with %q", i+1, status, body, w.status, w.body)
		}
	}
}
