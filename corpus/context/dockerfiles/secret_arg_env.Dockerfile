# syntax=docker/dockerfile:1
# dockerfile.secret_arg_env: BuildKit's SecretsUsedInArgOrEnv worked examples.
# Values are fake; only the names matter to this check.
ARG GLOBAL_TOKEN=not-checked-before-from
FROM alpine:3.20 AS base
ARG AWS_SECRET_ACCESS_KEY
ARG GITHUB_TOKEN
ENV API_KEY=fake-api-key APIKEY=fake AUTH=fake
ENV NPM_AUTH_TOKEN fake-legacy-form
ARG SSH_PRIVATE_KEY DB_PASSWORD=fake
# not flagged: no whole-word match, or an allowed word
ARG MONKEY KEYCLOAK_URL DB_PASS SECRETS_DIR
ENV PUBLIC_KEY=/etc/pub.pem PASSWORD_FILE=/run/secrets/db TOKEN_VERSION=2
ENV ACCESS_KEYS=3 apiKey=camel
RUN echo build

FROM base
ENV db_password=lowercase-is-flagged-too
