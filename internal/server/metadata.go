package server

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The real service's bounds of client_metadata, applied to any metadata.
const (
	maxMetadataKeys   = 10
	maxMetadataLength = 255
	// metadataNameSpecials may appear in a name besides letters and digits.
	metadataNameSpecials = ":,-+=_*?\"/\\()<>@\t "
)

// mergeMetadata merges the body's metadata object named property into stored: a null
// value removes its key, and keys not sent are kept. ok is false when the body has none.
func mergeMetadata(b *body, property string, stored *map[string]string) (md map[string]string, ok bool, err error) {
	raw, ok := b.fields[property]
	if !ok {
		return nil, false, nil
	}
	if jsonType(raw) != "object" {
		return nil, true, errType(property, "object", raw)
	}
	var items map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, true, errType(property, "object", raw)
	}
	md = map[string]string{}
	if stored != nil {
		for k, v := range *stored {
			md[k] = v
		}
	}
	for _, k := range sortedKeys(items) {
		it := items[k]
		if jsonType(it) == "null" {
			delete(md, k)
			continue
		}
		var v string
		if jsonType(it) != "string" || json.Unmarshal(it, &v) != nil {
			return nil, true, errType(property+"."+k, "string", it)
		}
		md[k] = v
	}
	return md, true, nil
}

// checkMetadata bounds a metadata object as it will be stored.
func checkMetadata(property string, md map[string]string) error {
	if len(md) > maxMetadataKeys {
		return errProperty(property, "Too many properties defined ("+strconv.Itoa(len(md))+"), maximum "+strconv.Itoa(maxMetadataKeys))
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
