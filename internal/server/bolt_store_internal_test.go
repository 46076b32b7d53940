package server

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// When the data directory or file cannot be made private, the store does
// not open, and says what to do.
func TestBoltStoreRefusesWhatItCannotMakePrivate(t *testing.T) {
	dir := t.TempDir()
	denied := errors.New("operation not permitted")
	for _, failOn := range []string{dir, filepath.Join(dir, DataFileName)} {
		if err := os.WriteFile(filepath.Join(dir, DataFileName), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := openBoltStore(dir, func(path string, mode os.FileMode) error {
			if path == failOn {
				return denied
			}
			return os.Chmod(path, mode)
		})
		if err == nil {
			_ = st.Close()
			t.Fatalf("chmod of %s failed and the store opened", failOn)
		}
		if !errors.Is(err, denied) || !strings.Contains(err.Error(), "cannot make it private") || !strings.Contains(err.Error(), failOn) {
			t.Errorf("chmod of %s failed: %v", failOn, err)
		}
	}
}
