package server

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
)

// page is a list request's paging: by page, or, when from or take is
// given, by checkpoint.
type page struct {
	page, perPage int
	totals        bool

	checkpoint bool
	from, take int

	fields *projection
}

const (
	defaultPerPage = 50
	maxPerPage     = 100
)

// pagination refuses bad values rather than clamp them, so that a client
// bug shows.
func (c *call) pagination() (page, error) {
	q := c.r.URL.Query()
	p := page{perPage: defaultPerPage}
	if vs, ok := q["page"]; ok {
		n, err := strconv.Atoi(vs[0])
		// The upper bound keeps page*per_page far from overflowing.
		if err != nil || n < 0 || n > math.MaxInt32 {
			return p, errInvalidQuery("Query validation error: 'Invalid value for page' on property page.")
		}
		p.page = n
	}
	if vs, ok := q["per_page"]; ok {
		n, err := strconv.Atoi(vs[0])
		if err != nil || n < 1 || n > maxPerPage {
			return p, errInvalidQuery(fmt.Sprintf("Query validation error: 'per_page must be between 1 and %d' on property per_page.", maxPerPage))
		}
		p.perPage = n
	}
	if vs, ok := q["include_totals"]; ok {
		switch vs[0] {
		case "true":
			p.totals = true
		case "false":
		default:
			return p, errInvalidQuery("Query validation error: 'Expected type boolean but found type string' on property include_totals.")
		}
	}
	_, hasFrom := q["from"]
	_, hasTake := q["take"]
	if hasFrom || hasTake {
		p.checkpoint, p.take = true, defaultPerPage
		if hasFrom && q.Get("from") != "" {
			n, err := strconv.Atoi(q.Get("from"))
			if err != nil || n < 0 || n > math.MaxInt32 {
				return p, errInvalidQuery("Query validation error: 'Invalid value for from' on property from.")
			}
			p.from = n
		}
		if hasTake {
			n, err := strconv.Atoi(q.Get("take"))
			if err != nil || n < 1 || n > maxPerPage {
				return p, errInvalidQuery(fmt.Sprintf("Query validation error: 'take must be between 1 and %d' on property take.", maxPerPage))
			}
			p.take = n
		}
	}
	fields, err := c.projection()
	if err != nil {
		return p, err
	}
	p.fields = fields
	return p, nil
}

// listPage answers a list of kind, keeping the records keep accepts (all
// when nil); key names the items in an envelope.
func listPage[T any](c *call, kind Kind, key string, keep func(T) bool, render func(T) any) error {
	p, err := c.pagination()
	if err != nil {
		return err
	}
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	raws, err := c.repo.list(kind)
	unlock()
	if err != nil {
		return err
	}
	return writePage(c, p, key, raws, keep, render)
}

func writePage[T any](c *call, p page, key string, raws [][]byte, keep func(T) bool, render func(T) any) error {
	var items []T
	if keep == nil {
		total := len(raws)
		start, end := bounds(p, total)
		items = make([]T, 0, end-start)
		for _, raw := range raws[start:end] {
			var v T
			if err := json.Unmarshal(raw, &v); err != nil {
				return err
			}
			items = append(items, v)
		}
		return writeItems(c, p, key, total, items, render)
	}
	for _, raw := range raws {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		if keep(v) {
			items = append(items, v)
		}
	}
	start, end := bounds(p, len(items))
	return writeItems(c, p, key, len(items), items[start:end], render)
}

func bounds(p page, total int) (start, end int) {
	s, n := int64(p.page)*int64(p.perPage), int64(p.perPage)
	if p.checkpoint {
		s, n = int64(p.from), int64(p.take)
	}
	if s > int64(total) {
		s = int64(total)
	}
	e := s + n
	if e > int64(total) {
		e = int64(total)
	}
	return int(s), int(e)
}

func writeItems[T any](c *call, p page, key string, total int, items []T, render func(T) any) error {
	out := make([]any, 0, len(items))
	for _, it := range items {
		v, err := p.fields.apply(render(it))
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	if p.checkpoint {
		body := map[string]any{key: out}
		if end := p.from + len(items); end < total {
			body["next"] = strconv.Itoa(end)
		}
		return c.json(http.StatusOK, body)
	}
	if !p.totals {
		return c.json(http.StatusOK, out)
	}
	return c.json(http.StatusOK, map[string]any{
		"total": total,
		"start": int64(p.page) * int64(p.perPage),
		"limit": p.perPage,
		key:     out,
	})
}
