package server

import (
	"math"
	"net/url"
	"strconv"
)

// queryBool reads an optional boolean query parameter.
func queryBool(q url.Values, name string) (value, ok bool, err error) {
	vs, ok := q[name]
	if !ok {
		return false, false, nil
	}
	switch vs[0] {
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, false, errInvalidQuery("Query validation error: 'Expected type boolean but found type string' on property " + name + ".")
}

// queryInt reads an optional integer query parameter no less than least.
func queryInt(q url.Values, name string, least, def int) (int, error) {
	vs, ok := q[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(vs[0])
	if err != nil || n < least || n > math.MaxInt32 {
		return 0, errInvalidQuery("Query validation error: 'Invalid value for " + name + "' on property " + name + ".")
	}
	return n, nil
}

// checkpoint reads the from/take of a checkpoint page whose from is an id.
func checkpoint(q url.Values, maxTake int) (from string, take int, err error) {
	take = defaultPerPage
	if vs, ok := q["take"]; ok {
		n, err := strconv.Atoi(vs[0])
		if err != nil || n < 1 || n > maxTake {
			return "", 0, errInvalidQuery("Query validation error: 'take must be between 1 and " + strconv.Itoa(maxTake) + "' on property take.")
		}
		take = n
	}
	from = q.Get("from")
	if len(from) > 1000 {
		return "", 0, errInvalidQuery("Query validation error: 'String is too long' on property from.")
	}
	return from, take, nil
}
