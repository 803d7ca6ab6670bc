# syntax=docker/dockerfile:1
# dockerfile.build_arg_credential: build args used as credentials end up in
# the image history (RUN |N NPM_TOKEN=... in created_by)
FROM node:22-alpine AS deps
ARG NPM_TOKEN
ARG REGISTRY_USER=ci
RUN npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN" && npm ci
RUN curl -u "${REGISTRY_USER}:${NPM_TOKEN}" https://artifacts.example.com/x.tgz -o x.tgz
RUN git clone "https://${NPM_TOKEN}@github.com/example/private.git"

FROM node:22-alpine
# a new stage: NPM_TOKEN is not declared here, so this is not a build arg
RUN curl -H "Authorization: Bearer $NPM_TOKEN" https://example.com/ || true
