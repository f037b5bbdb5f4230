-- The shop schema captured by docker/tidelog.yml.
CREATE TABLE customers (
    id         bigserial PRIMARY KEY,
    name       text        NOT NULL,
    email      text        NOT NULL,
    tier       text        NOT NULL DEFAULT 'basic',
    updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE orders (
    id          bigserial PRIMARY KEY,
    customer_id bigint        NOT NULL REFERENCES customers (id),
    amount      numeric(12,2) NOT NULL,
    status      text          NOT NULL DEFAULT 'new',
    created_at  timestamptz   NOT NULL DEFAULT now());
