package mgmt

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// endlessServer answers every list with a full page and does not end it
// for the first pages pages (then it does, so that a client without a cap
// fails the test instead of running out of memory): offset pages of
// per_page clients without a total, and checkpoint pages of take clients
// whose next always points further. It counts requests.
func endlessServer(t *testing.T, pages int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := n.Add(1)
		if page > pages {
			_, _ = w.Write([]byte(`{"clients":[]}`))
			return
		}
		q := r.URL.Query()
		size, _ := strconv.Atoi(q.Get("per_page"))
		if take := q.Get("take"); take != "" {
			size, _ = strconv.Atoi(take)
		}
		var items []string
		for i := range size {
			items = append(items, fmt.Sprintf(`{"client_id":"c%d-%d"}`, page, i))
		}
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/clients") && strings.Contains(r.URL.Path, "/connections/") {
			fmt.Fprintf(w, `{"clients":[%s],"next":"c%d"}`, strings.Join(items, ","), page)
			return
		}
		fmt.Fprintf(w, `{"clients":[%s]}`, strings.Join(items, ","))
	}))
	t.Cleanup(ts.Close)
	return ts, &n
}

// An endless list stops at the cap, with an error that names the path and
// the cap, instead of growing until the memory runs out.
func TestListStopsAtTheCap(t *testing.T) {
	t.Parallel()
	t.Run("default cap, offset pages", func(t *testing.T) {
		t.Parallel()
		ts, requests := endlessServer(t, 2*maxListPages)
		c := quickClient(t, Config{Domain: ts.URL, APIToken: "tok"})
		_, err := c.ListApplications(t.Context())
		want := "GET /api/v2/clients: the list goes on after 1000 pages and 100000 objects, and a call reads at most " +
			"1000 pages or 100000 objects"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
		if n := requests.Load(); n != maxListPages {
			t.Errorf("%d requests, want %d", n, maxListPages)
		}
	})
	t.Run("pages, checkpoint", func(t *testing.T) {
		t.Parallel()
		ts, requests := endlessServer(t, 100)
		c := quickClient(t, Config{Domain: ts.URL, APIToken: "tok"})
		c.clientsTake, c.maxPages = 1, 5
		_, err := c.ListConnectionClients(t.Context(), "con_1")
		want := "GET /api/v2/connections/con_1/clients: the list goes on after 5 pages and 5 objects, and a call " +
			"reads at most 5 pages or 100000 objects"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
		if n := requests.Load(); n != 5 {
			t.Errorf("%d requests, want 5", n)
		}
	})
	t.Run("objects, checkpoint", func(t *testing.T) {
		t.Parallel()
		ts, requests := endlessServer(t, 100)
		c := quickClient(t, Config{Domain: ts.URL, APIToken: "tok"})
		c.clientsTake, c.maxObjects = 3, 10
		_, err := c.ListConnectionClients(t.Context(), "con_1")
		if want := "the list goes on after 4 pages and 12 objects"; err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
		if n := requests.Load(); n != 4 {
			t.Errorf("%d requests, want 4", n)
		}
	})
}
