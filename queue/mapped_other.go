//go:build !linux

package queue

import bolt "go.etcd.io/bbolt"

// dropMapped is a no-op outside Linux: the mapped pages stay until the
// kernel reclaims them.
func (s *Embedded) dropMapped(tx *bolt.Tx, v []byte) {}
