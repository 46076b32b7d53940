package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DataFileName is the file a BoltStore keeps in its data directory.
const DataFileName = "idp-server.db"

// boltFormat is the layout version this code writes. A newer file is
// refused rather than misread; an older one would be migrated here.
const boltFormat = 1

const boltLockTimeout = 500 * time.Millisecond

// The data file's layout:
//
//	meta/format                      the layout version, decimal
//	tenants/t<name>/<kind>/ids/k<id> an 8-byte sequence number, then the object
//	tenants/t<name>/<kind>/seq/<seq> k<id>, so that List keeps insertion order
//
// Names and ids get a one-letter prefix because bbolt refuses an empty key
// and the root tenant's name is empty.
var (
	bucketMeta    = []byte("meta")
	bucketTenants = []byte("tenants")
	bucketIDs     = []byte("ids")
	bucketSeq     = []byte("seq")
	keyFormat     = []byte("format")
)

// BoltStore is a durable Store and Counter: one bbolt file, every call a
// transaction synced before it returns.
type BoltStore struct {
	db   *bolt.DB
	path string
}

// OpenBoltStore opens, or creates, the data file in dir, and makes dir
// 0700 and the file 0600. It never repairs or replaces a file: another
// process's, a damaged one or a newer format is an error a person can act
// on.
func OpenBoltStore(dir string) (*BoltStore, error) {
	return openBoltStore(dir, os.Chmod)
}

func openBoltStore(dir string, chmod func(string, os.FileMode) error) (*BoltStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir %s: %w", dir, err)
	}
	if err := chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir %s: cannot make it private to its owner (mode 0700): %w; give idp-server a directory of its own", dir, err)
	}
	path := filepath.Join(dir, DataFileName)
	if err := chmod(path, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("data file %s: cannot make it private to its owner (mode 0600): %w", path, err)
	}
	db, err := openBolt(path)
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("data dir %s is in use by another idp-server (%s is locked)", dir, path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return nil, fmt.Errorf("%s is not an idp-server data file, or is damaged: %w", path, err)
	case err != nil:
		return nil, fmt.Errorf("opening data file %s: %w", path, err)
	}
	// Every commit is synced (bbolt's default); say so rather than trust it.
	db.NoSync = false
	s := &BoltStore{db: db, path: path}
	if err := s.init(); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// openBolt turns bbolt's panic on a damaged file into an error.
func openBolt(path string) (db *bolt.DB, err error) {
	defer func() {
		if v := recover(); v != nil {
			db, err = nil, fmt.Errorf("%w: %v", berrors.ErrInvalid, v)
		}
	}()
	return bolt.Open(path, 0o600, &bolt.Options{Timeout: boltLockTimeout})
}

// walk reads every page once, under a recover: bbolt panics on a damaged
// page, and this way damage is an error at start, not a crash later.
// (bbolt's Tx.Check runs in a goroutine of its own, where such a panic
// cannot be recovered.)
func (s *BoltStore) walk() (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("data file %s is damaged (%v); move it away to start empty", s.path, v)
		}
	}()
	var visit func(b *bolt.Bucket) error
	visit = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if child := b.Bucket(k); child != nil {
					return visit(child)
				}
			}
			return nil
		})
	}
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return visit(b) })
	})
}

func (s *BoltStore) init() error {
	if err := s.walk(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			empty := true
			_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
			if !empty {
				return fmt.Errorf("%s is a bbolt database but not an idp-server data file", s.path)
			}
			var err error
			if meta, err = tx.CreateBucket(bucketMeta); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(bucketTenants); err != nil {
				return err
			}
			return meta.Put(keyFormat, []byte(strconv.Itoa(boltFormat)))
		}
		v, err := strconv.Atoi(string(meta.Get(keyFormat)))
		switch {
		case err != nil || v < 1:
			return fmt.Errorf("data file %s has no valid format version (%q)", s.path, meta.Get(keyFormat))
		case v > boltFormat:
			return fmt.Errorf("data file %s has format version %d, written by a newer idp-server; this one reads version %d at most", s.path, v, boltFormat)
		}
		if tx.Bucket(bucketTenants) == nil {
			return fmt.Errorf("data file %s is damaged: no tenants bucket", s.path)
		}
		return nil
	})
}

// Path is the data file's path.
func (s *BoltStore) Path() string { return s.path }

// Close releases the data file.
func (s *BoltStore) Close() error { return s.db.Close() }

func tenantKey(tenant string) []byte { return []byte("t" + tenant) }
func idKey(id string) []byte         { return []byte("k" + id) }

func kindBucket(tx *bolt.Tx, tenant string, kind Kind, create bool) (*bolt.Bucket, error) {
	tenants := tx.Bucket(bucketTenants)
	if tenants == nil {
		return nil, errors.New("server: data file has no tenants bucket")
	}
	if !create {
		t := tenants.Bucket(tenantKey(tenant))
		if t == nil {
			return nil, nil
		}
		return t.Bucket([]byte(kind)), nil
	}
	t, err := tenants.CreateBucketIfNotExists(tenantKey(tenant))
	if err != nil {
		return nil, err
	}
	k, err := t.CreateBucketIfNotExists([]byte(kind))
	if err != nil {
		return nil, err
	}
	if _, err := k.CreateBucketIfNotExists(bucketIDs); err != nil {
		return nil, err
	}
	if _, err := k.CreateBucketIfNotExists(bucketSeq); err != nil {
		return nil, err
	}
	return k, nil
}

// Get implements Store.
func (s *BoltStore) Get(tenant string, kind Kind, id string) ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		k, err := kindBucket(tx, tenant, kind, false)
		if err != nil || k == nil {
			return err
		}
		if v := k.Bucket(bucketIDs).Get(idKey(id)); len(v) >= 8 {
			// Values are only valid inside the transaction.
			out = append([]byte{}, v[8:]...)
		}
		return nil
	})
	if err == nil && out == nil {
		err = ErrNotFound
	}
	return out, err
}

// Put implements Store.
func (s *BoltStore) Put(tenant string, kind Kind, id string, value []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		k, err := kindBucket(tx, tenant, kind, true)
		if err != nil {
			return err
		}
		ids := k.Bucket(bucketIDs)
		key := idKey(id)
		var seq [8]byte
		if old := ids.Get(key); len(old) >= 8 {
			copy(seq[:], old[:8]) // a replaced object keeps its place
		} else {
			n, err := k.NextSequence()
			if err != nil {
				return err
			}
			binary.BigEndian.PutUint64(seq[:], n)
			if err := k.Bucket(bucketSeq).Put(seq[:], key); err != nil {
				return err
			}
		}
		return ids.Put(key, append(seq[:], value...))
	})
}

// Delete implements Store.
func (s *BoltStore) Delete(tenant string, kind Kind, id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		k, err := kindBucket(tx, tenant, kind, false)
		if err != nil || k == nil {
			return err
		}
		ids := k.Bucket(bucketIDs)
		key := idKey(id)
		old := ids.Get(key)
		if len(old) < 8 {
			return nil
		}
		if err := k.Bucket(bucketSeq).Delete(old[:8]); err != nil {
			return err
		}
		return ids.Delete(key)
	})
}

// List implements Store.
func (s *BoltStore) List(tenant string, kind Kind) ([][]byte, error) {
	var out [][]byte
	err := s.db.View(func(tx *bolt.Tx) error {
		k, err := kindBucket(tx, tenant, kind, false)
		if err != nil || k == nil {
			return err
		}
		ids := k.Bucket(bucketIDs)
		return k.Bucket(bucketSeq).ForEach(func(_, key []byte) error {
			v := ids.Get(key)
			if len(v) < 8 {
				return fmt.Errorf("server: data file %s: %s of tenant %q lists %q, which is missing", s.path, kind, tenant, key[1:])
			}
			out = append(out, append([]byte{}, v[8:]...))
			return nil
		})
	})
	return out, err
}

// Count implements Counter.
func (s *BoltStore) Count(tenant string, kind Kind) (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		k, err := kindBucket(tx, tenant, kind, false)
		if err != nil || k == nil {
			return err
		}
		n = k.Bucket(bucketIDs).Stats().KeyN
		return nil
	})
	return n, err
}

// DropTenant implements Store.
func (s *BoltStore) DropTenant(tenant string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		tenants := tx.Bucket(bucketTenants)
		if tenants == nil {
			return errors.New("server: data file has no tenants bucket")
		}
		err := tenants.DeleteBucket(tenantKey(tenant))
		if errors.Is(err, berrors.ErrBucketNotFound) {
			return nil
		}
		return err
	})
}
