package server

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Metadata bounds of the real service, documented for a client's
// client_metadata: at most 10 properties, names and values of at most 255
// characters, names alphanumeric plus the characters of
// metadataNameSpecials. The real service documents no bounds of its own for
// a tenant's metadata, so the same ones apply there.
const (
	maxMetadataKeys   = 10
	maxMetadataLength = 255
	// metadataNameSpecials are the characters besides ASCII letters and
	// digits a metadata property name may contain (tab and space included).
	metadataNameSpecials = ":,-+=_*?\"/\\()<>@\t "
)

// checkMetadata bounds a metadata object as it will be stored. property
// names the object in the error ("client_metadata", "metadata").
func checkMetadata(property string, md map[string]string) error {
	if len(md) > maxMetadataKeys {
		return errProperty(property, "Too many properties ("+strconv.Itoa(len(md))+"), maximum "+strconv.Itoa(maxMetadataKeys))
	}
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if n := utf8.RuneCountInString(k); n == 0 || n > maxMetadataLength {
			return errProperty(property, "Property name length ("+strconv.Itoa(n)+" chars) must be between 1 and "+strconv.Itoa(maxMetadataLength))
		}
		if !validMetadataName(k) {
			return errProperty(property, "Property name "+strconv.Quote(k)+" may only contain letters, digits, spaces, tabs and "+metadataNameSpecials[:len(metadataNameSpecials)-2])
		}
		if err := checkLength(property+"."+k, md[k], 0, maxMetadataLength); err != nil {
			return err
		}
	}
	return nil
}

// metadata decodes a metadata property and checks its bounds; nil when
// absent.
func (b *body) metadata(name string) (*map[string]string, error) {
	md, err := b.stringMap(name)
	if err != nil || md == nil {
		return nil, err
	}
	if err := checkMetadata(name, *md); err != nil {
		return nil, err
	}
	return md, nil
}

func validMetadataName(k string) bool {
	for _, r := range k {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r < utf8.RuneSelf && strings.ContainsRune(metadataNameSpecials, r):
		default:
			return false
		}
	}
	return true
}
