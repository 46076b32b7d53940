package server

import "net/http"

// objects is how the shared GET, PATCH and DELETE shapes below find, store
// and render one kind of object.
type objects[T any] struct {
	// find loads the route's object; the caller holds the tenant's lock.
	find   func(c *call) (T, error)
	save   func(c *call, v T) error
	render func(c *call, v T) any
}

// getObject answers a GET of the route's object, trimmed by fields.
func getObject[T any](c *call, o objects[T]) error {
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	v, err := o.find(c)
	if err != nil {
		return err
	}
	return c.jsonProjected(o.render(c, v))
}

// updateObject answers a PATCH whose body the handler has read and checked:
// under the tenant's write lock it finds the route's object, lets apply
// change it, stores it and writes it back.
func updateObject[T any](c *call, o objects[T], apply func(v *T) error) error {
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	v, err := o.find(c)
	if err != nil {
		return err
	}
	if err := apply(&v); err != nil {
		return err
	}
	if err := o.save(c, v); err != nil {
		return err
	}
	return c.json(http.StatusOK, o.render(c, v))
}

// deleteObject answers a DELETE: under the tenant's write lock it finds the
// route's object and lets remove delete it. An object that does not exist
// is answered 204 all the same, so that a retried DELETE succeeds.
func deleteObject[T any](c *call, o objects[T], remove func(v T) error) error {
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	v, err := o.find(c)
	if isNotFound(err) {
		return c.noContent()
	}
	if err != nil {
		return err
	}
	if err := remove(v); err != nil {
		return err
	}
	return c.noContent()
}
