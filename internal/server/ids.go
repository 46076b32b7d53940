package server

import (
	"crypto/rand"
	"encoding/hex"
)

const (
	alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	// secretAlphabet has exactly 64 symbols, so a random byte masked to six
	// bits picks one without bias.
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
)

// randomAlphanumeric returns n characters of [A-Za-z0-9] from crypto/rand.
// Bytes at or above 248 (the largest multiple of 62 below 256) are rejected
// so that every character is equally likely.
func randomAlphanumeric(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		rand.Read(buf) // never returns an error (crypto/rand, Go ≥ 1.24)
		for _, b := range buf {
			if b >= 248 {
				continue
			}
			out = append(out, alphanumerics[int(b)%len(alphanumerics)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out)
}

// randomSecret returns n characters of [A-Za-z0-9_-] from crypto/rand.
func randomSecret(n int) string {
	buf := make([]byte, n)
	rand.Read(buf)
	for i, b := range buf {
		buf[i] = secretAlphabet[b&63]
	}
	return string(buf)
}

// newResourceServerID looks like the real service's: 24 lowercase hex digits.
func newResourceServerID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newClientID is 32 alphanumerics, like the real service's client ids.
func newClientID() string { return randomAlphanumeric(32) }

// newClientSecret is 64 URL-safe characters.
func newClientSecret() string { return randomSecret(64) }

// newClientGrantID is "cgr_" + 16 alphanumerics.
func newClientGrantID() string { return "cgr_" + randomAlphanumeric(16) }

// newConnectionID is "con_" + 16 alphanumerics, like the real service's.
func newConnectionID() string { return "con_" + randomAlphanumeric(16) }

// newTenantID is "ten_" + 16 alphanumerics.
func newTenantID() string { return "ten_" + randomAlphanumeric(16) }

// newSigningSecret is long enough (48 characters, 288 bits) for go-jose's
// native HS256, which refuses keys shorter than the hash.
func newSigningSecret() string { return randomSecret(48) }

// newTokenID is a JWT jti.
func newTokenID() string { return randomAlphanumeric(24) }
