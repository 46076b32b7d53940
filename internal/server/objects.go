package server

import "net/http"

// objects is how the shared GET, PATCH and DELETE below find, store and
// render one kind of object.
type objects[T any] struct {
	find   func(c *call) (T, error)
	save   func(c *call, v T) error
	render func(c *call, v T) any
	// kept are answered by a GET whatever its fields ask for.
	kept []string
}

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
	return c.jsonProjected(o.render(c, v), o.kept...)
}

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

// deleteObject answers 204 for an object that does not exist too, so that a
// retried DELETE succeeds.
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
