// Package pgschema applies a PostgreSQL store's schema migrations: each
// store keeps its tables in a schema of its own, with a schema_version
// table, and processes that start together take an advisory lock so that
// only one migrates.
package pgschema

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Migrate creates schema if needed and applies the migrations it has not
// had yet, in one transaction under an advisory lock named lock. "{s}" in
// a migration stands for the quoted schema name. A schema at a version
// newer than len(migrations) is an error: newer code made it.
func Migrate(ctx context.Context, pool *pgxpool.Pool, schema, lock string, migrations []string, log *slog.Logger) error {
	sch := pgx.Identifier{schema}.Sanitize()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1 || $2))`, lock, schema); err != nil {
		return err
	}
	for _, q := range []string{
		`CREATE SCHEMA IF NOT EXISTS ` + sch,
		`CREATE TABLE IF NOT EXISTS ` + sch + `.schema_version (version integer NOT NULL)`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	var version int
	err = tx.QueryRow(ctx, `SELECT version FROM `+sch+`.schema_version`).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = tx.Exec(ctx, `INSERT INTO `+sch+`.schema_version VALUES (0)`)
	}
	if err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("schema %s is at version %d, newer than this code (%d)", schema, version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		if _, err := tx.Exec(ctx, strings.ReplaceAll(migrations[v], "{s}", sch)); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
		if log != nil {
			log.Info("applied migration", "schema", schema, "version", v+1)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE `+sch+`.schema_version SET version = $1`, len(migrations)); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Connect opens a pool on dsn (a URL or key=value string) with at most
// maxConns connections (0: pgxpool's default).
func Connect(ctx context.Context, dsn string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}
