package server_test

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// A data directory and file that an earlier start, a restore or a umask
// left open to others are made private at every open: the directory 0700,
// the file 0600.
func TestBoltStoreTightensModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, server.DataFileName)
	loosen := func() {
		t.Helper()
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(file, 0o644); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	expectModes := func(when string) {
		t.Helper()
		for path, want := range map[string]os.FileMode{dir: 0o700, file: 0o600} {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%s: %s has mode %o, want %o", when, path, got, want)
			}
		}
	}
	loosen() // a new file in an existing, open directory
	st := openStore(t, dir)
	expectModes("a new data file")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	loosen()
	st = openStore(t, dir)
	defer st.Close()
	expectModes("an existing 0644 file in a 0777 directory")
}

// The durable store passes the same contract as the in-memory one.
func TestBoltStoreContract(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	if _, err := st.Get("", server.KindClients, "x"); !errors.Is(err, server.ErrNotFound) {
		t.Fatalf("Get of nothing = %v, want ErrNotFound", err)
	}
	for _, id := range []string{"b", "", "a\x00z", "c"} {
		if err := st.Put("", server.KindClients, id, []byte(`"`+strings.ReplaceAll(id, "\x00", "0")+`"`)); err != nil {
			t.Fatalf("Put %q: %v", id, err)
		}
	}
	// A replaced object keeps its place; a deleted one leaves the order.
	if err := st.Put("", server.KindClients, "b", []byte(`"b2"`)); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete("", server.KindClients, "c"); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete("", server.KindClients, "never"); err != nil {
		t.Fatalf("Delete of an absent object: %v", err)
	}
	raws, err := st.List("", server.KindClients)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range raws {
		got = append(got, string(r))
	}
	if want := `"b2" "" "a0z"`; strings.Join(got, " ") != want {
		t.Errorf("List = %s, want %s", strings.Join(got, " "), want)
	}
	if n, err := st.Count("", server.KindClients); err != nil || n != 3 {
		t.Errorf("Count = %d, %v; want 3", n, err)
	}
	if err := st.Put("t1", server.KindClients, "x", []byte(`1`)); err != nil {
		t.Fatal(err)
	}
	if err := st.DropTenant("t1"); err != nil {
		t.Fatal(err)
	}
	if err := st.DropTenant("never"); err != nil {
		t.Fatalf("DropTenant of an absent tenant: %v", err)
	}
	if raws, _ := st.List("t1", server.KindClients); len(raws) != 0 {
		t.Errorf("a dropped tenant still lists %d objects", len(raws))
	}
	if n, _ := st.Count("", server.KindClients); n != 3 {
		t.Errorf("dropping another tenant changed the root's count to %d", n)
	}
}

// Files that are not idp-server data files, or that this version cannot
// read, or that another process holds, are refused with a clear error.
func TestBoltBadFiles(t *testing.T) {
	writeFile := func(t *testing.T, b []byte) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, server.DataFileName), b, 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	expectErr := func(t *testing.T, dir, want string) {
		t.Helper()
		st, err := server.OpenBoltStore(dir)
		if err == nil {
			st.Close()
			t.Fatalf("OpenBoltStore succeeded, want an error with %q", want)
		}
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("OpenBoltStore: %v\nwant it to say %q", err, want)
		}
	}
	t.Run("garbage", func(t *testing.T) {
		b := make([]byte, 64<<10)
		rand.Read(b)
		expectErr(t, writeFile(t, b), "is not an idp-server data file")
	})
	t.Run("short", func(t *testing.T) {
		expectErr(t, writeFile(t, []byte("hello\n")), "is not an idp-server data file")
	})
	t.Run("foreign bolt file", func(t *testing.T) {
		dir := t.TempDir()
		db, err := bolt.Open(filepath.Join(dir, server.DataFileName), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err }); err != nil {
			t.Fatal(err)
		}
		db.Close()
		expectErr(t, dir, "not an idp-server data file")
	})
	t.Run("newer format", func(t *testing.T) {
		dir := t.TempDir()
		openStore(t, dir).Close()
		db, err := bolt.Open(filepath.Join(dir, server.DataFileName), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("format"), []byte("2")) }); err != nil {
			t.Fatal(err)
		}
		db.Close()
		expectErr(t, dir, "written by a newer idp-server")
	})
	t.Run("damaged page", func(t *testing.T) {
		dir := t.TempDir()
		st := openStore(t, dir)
		for i := range 40 {
			if err := st.Put("", server.KindClients, fmt.Sprint(i), []byte(strings.Repeat("x", 2000))); err != nil {
				t.Fatal(err)
			}
		}
		st.Close()
		path := filepath.Join(dir, server.DataFileName)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Overwrite every page but the two meta pages with garbage.
		rand.Read(b[2*4096:])
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		expectErr(t, dir, "damaged")
	})
	t.Run("locked", func(t *testing.T) {
		dir := t.TempDir()
		st := openStore(t, dir)
		defer st.Close()
		expectErr(t, dir, "is in use by another idp-server")
	})
}

// A child process serving on a durable store is killed (SIGKILL) during a
// burst of writes: every write it acknowledged is in the store afterwards.
func TestBoltKillDuringWrites(t *testing.T) {
	dir := t.TempDir()
	const id, secret = "KillTestAdmin0000000000000000001", "kill-test-admin-secret-0123456789"
	cmd := exec.CommandContext(t.Context(), os.Args[0])
	cmd.Env = append(os.Environ(), "IDP_BOLT_CHILD_DIR="+dir, "IDP_BOLT_CHILD_ID="+id, "IDP_BOLT_CHILD_SECRET="+secret)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the child's address: %v", err)
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "URL=")
	if !ok {
		t.Fatalf("child said %q, want URL=...", line)
	}
	h := &harness{t: t, client: &http.Client{Timeout: 10 * time.Second}, base: base}
	tok := h.mintToken(base, id, secret, base+"/api/v2/", "")

	// Write until the child is gone; kill it once 40 writes are acknowledged,
	// with more in flight.
	acked := make(chan string, 1000)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 1000 {
			name := fmt.Sprintf("burst-%d", i)
			r, err := h.send(http.MethodPost, base+"/api/v2/clients", bearer(tok), map[string]any{"name": name})
			if err != nil {
				return // the child is gone
			}
			if r.Status != http.StatusCreated {
				t.Errorf("POST %s: %s", name, r)
				return
			}
			acked <- name
		}
	}()
	var names []string
	deadline := time.After(60 * time.Second)
	for len(names) < 40 {
		select {
		case n := <-acked:
			names = append(names, n)
		case <-done:
			t.Fatalf("the writer stopped after %d writes", len(names))
		case <-deadline:
			t.Fatalf("only %d writes acknowledged in 60 s", len(names))
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed = true
	_ = cmd.Wait()
	<-done
	close(acked)
	for n := range acked {
		names = append(names, n)
	}

	st := openStore(t, dir)
	defer st.Close()
	raws, err := st.List(server.RootTenant, server.KindClients)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, raw := range raws {
		var c struct{ Name string }
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("a stored client does not decode: %v", err)
		}
		stored[c.Name] = true
	}
	for _, n := range names {
		if !stored[n] {
			t.Errorf("acknowledged client %s is lost", n)
		}
	}
	t.Logf("%d writes acknowledged before and during the kill, all stored", len(names))
	// And the server starts on what the kill left.
	if _, err := server.New(server.Options{Store: st, AdminClientID: id, AdminClientSecret: secret}); err != nil {
		t.Fatalf("server.New after the kill: %v", err)
	}
}

// TestMain runs this test binary as the child of TestBoltKillDuringWrites
// when that test starts it so; otherwise it runs the tests.
func TestMain(m *testing.M) {
	if dir := os.Getenv("IDP_BOLT_CHILD_DIR"); dir != "" {
		os.Exit(boltKillChild(dir))
	}
	os.Exit(m.Run())
}

// boltKillChild serves a durable store on a loopback port, prints its
// URL, and serves until the parent kills it.
func boltKillChild(dir string) int {
	st, err := server.OpenBoltStore(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv, err := server.New(server.Options{Store: st, AdminClientID: os.Getenv("IDP_BOLT_CHILD_ID"), AdminClientSecret: os.Getenv("IDP_BOLT_CHILD_SECRET")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("URL=http://%s\n", ln.Addr())
	// Serve until killed; the parent's test context bounds how long.
	_ = (&http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
	return 0
}

// persistedWorld is what a restart must bring back, read over HTTP.
type persistedWorld struct {
	rootClients, rootAPIs, rootGrants, tenants    string
	tenantClients, tenantAPIs, tenantGrants       string
	rootJWKS, tenantJWKS, tenantSettings, rootSet string
}

func readWorld(h *harness, tenantBase, tenantTok string) persistedWorld {
	h.t.Helper()
	get := func(base, tok, path string) string {
		r := h.call(base, tok, http.MethodGet, path, nil)
		if r.Status != http.StatusOK {
			h.t.Fatalf("GET %s%s: %s", base, path, r)
		}
		return string(r.Body)
	}
	return persistedWorld{
		rootClients:    get(h.base, h.tok, "/api/v2/clients"),
		rootAPIs:       get(h.base, h.tok, "/api/v2/resource-servers"),
		rootGrants:     get(h.base, h.tok, "/api/v2/client-grants"),
		tenants:        get(h.base, h.tok, "/api/v2/tenants"),
		rootSet:        get(h.base, h.tok, "/api/v2/tenants/settings"),
		tenantClients:  get(tenantBase, tenantTok, "/api/v2/clients"),
		tenantAPIs:     get(tenantBase, tenantTok, "/api/v2/resource-servers"),
		tenantGrants:   get(tenantBase, tenantTok, "/api/v2/client-grants"),
		tenantSettings: get(tenantBase, tenantTok, "/api/v2/tenants/settings"),
		rootJWKS:       get(h.base, "", "/.well-known/jwks.json"),
		tenantJWKS:     get(tenantBase, "", "/.well-known/jwks.json"),
	}
}

// A server on a durable store comes back after a restart with its tenants,
// objects, secrets, signing keys and admin credentials: tokens issued before
// the restart still verify.
func TestBoltRestartRoundTrip(t *testing.T) {
	dir := t.TempDir()
	const public = "http://idp.restart.test"
	st := openStore(t, dir)
	h := newHarness(t, func(o *server.Options) { o.Store = st; o.PublicURL = public })
	adminID, adminSecret := h.srv.AdminClientID(), h.srv.AdminClientSecret()

	ten := h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": "persisted", "display_name": "Persisted"})
	mc := ten["management_client"].(map[string]any)
	tenantBase := h.base + "/tenants/persisted"
	tenantTok := h.mintToken(tenantBase, mc["client_id"].(string), mc["client_secret"].(string), public+"/tenants/persisted/api/v2/", "")
	api := h.mustCreate(tenantBase, tenantTok, "/api/v2/resource-servers", map[string]any{
		"name": "Orders", "identifier": "https://orders.example/", "scopes": []any{map[string]any{"value": "read:orders"}},
	})
	cl := h.mustCreate(tenantBase, tenantTok, "/api/v2/clients", map[string]any{"name": "svc", "client_metadata": map[string]any{"k": "v"}})
	h.mustCreate(tenantBase, tenantTok, "/api/v2/client-grants", map[string]any{
		"client_id": cl["client_id"], "audience": api["identifier"], "scope": []any{"read:orders"},
	})
	defaultGrant := map[string]any{"default_for": "third_party_clients", "audience": api["identifier"], "scope": []any{"read:orders"}}
	h.mustCreate(tenantBase, tenantTok, "/api/v2/client-grants", defaultGrant)
	h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "root-side"})
	if r := h.call(tenantBase, tenantTok, http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"friendly_name": "Persisted Inc"}); r.Status != http.StatusOK {
		t.Fatalf("PATCH settings: %s", r)
	}
	// A token of the new client, for its API, signed by the tenant's key.
	svcTok := h.mintTokenResponse(tenantBase, cl["client_id"].(string), cl["client_secret"].(string), "https://orders.example/", "")
	before := readWorld(h, tenantBase, tenantTok)

	h.ts.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st2 := openStore(t, dir)
	defer st2.Close()
	// No admin credentials configured: the stored ones come back.
	srv2, err := server.New(server.Options{Store: st2, PublicURL: public})
	if err != nil {
		t.Fatalf("server.New on the reopened store: %v", err)
	}
	if srv2.AdminClientID() != adminID || srv2.AdminClientSecret() != adminSecret {
		t.Errorf("admin credentials changed across the restart")
	}
	ts2 := newTestServer(t, srv2)
	h2 := &harness{t: t, srv: srv2, ts: ts2, client: ts2.Client(), base: ts2.URL, tok: h.tok}
	// The old tokens verify: same keys, same issuer.
	after := readWorld(h2, ts2.URL+"/tenants/persisted", tenantTok)
	if before != after {
		t.Errorf("state differs after the restart:\nbefore %+v\nafter  %+v", before, after)
	}
	if !strings.Contains(after.tenantClients, cl["client_secret"].(string)) {
		t.Errorf("the client's secret is not back")
	}
	_ = svcTok
	if !strings.Contains(after.tenantGrants, `"default_for":"third_party_clients"`) {
		t.Errorf("the default grant is not back: %s", after.tenantGrants)
	}
	// Its uniqueness key came back with it.
	expectAPIError(t, h2.call(ts2.URL+"/tenants/persisted", tenantTok, http.MethodPost, "/api/v2/client-grants", defaultGrant), http.StatusConflict, "conflict")
	// The new tenant's clients still get tokens.
	h2.mintToken(ts2.URL+"/tenants/persisted", cl["client_id"].(string), cl["client_secret"].(string), "https://orders.example/", "read:orders")
}

// Configured admin credentials win over the stored ones, and the previous
// admin client does not linger as a second admin.
func TestBoltRestartNewAdmin(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	srv, err := server.New(server.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	oldID := srv.AdminClientID()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st2 := openStore(t, dir)
	defer st2.Close()
	srv2, err := server.New(server.Options{Store: st2, AdminClientID: "NewAdminClient000000000000000001", AdminClientSecret: "new-admin-secret-0123456789-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st2.Get(server.RootTenant, server.KindClients, oldID); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("the previous admin client %s is still stored (err %v)", oldID, err)
	}
	if srv2.AdminClientID() != "NewAdminClient000000000000000001" {
		t.Errorf("admin id = %q", srv2.AdminClientID())
	}
}
