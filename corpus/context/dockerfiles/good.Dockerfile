# syntax=docker/dockerfile:1
# check=error=true
# A Dockerfile that does it right: it must produce no issue at all.
ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-alpine AS build
ARG VERSION
ARG TOKEN_VERSION=2
ENV PUBLIC_KEY_PATH=/etc/app/public.pem \
    PASSWORD_FILE=/run/secrets/db_password \
    NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# the registry token comes in as a secret file, never as a build arg
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    --mount=type=cache,target=/root/.npm \
    npm ci
COPY .env.example ./
COPY src/ ./src/
RUN --mount=type=secret,id=gh_token,env=GH_TOKEN \
    git clone "https://x-access-token:${GH_TOKEN}@github.com/example/private.git" vendor/private
RUN --mount=type=secret,id=api_key \
    curl -fsSL -H "Authorization: Bearer $(cat /run/secrets/api_key)" \
        -o /tmp/schema.json https://api.example.com/schema
RUN --mount=type=secret,id=db_password \
    mysql -uroot -p"$(cat /run/secrets/db_password)" -e 'select 1' || true
RUN <<EOF
set -eu
npm run build -- --version "$VERSION"
git clone https://github.com/example/public.git /tmp/public
EOF
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    https://example.com/releases/tool.tar.gz /opt/
RUN docker login -u bot --password-stdin registry.example.com < /dev/null || true
RUN mysql -uroot -p -e 'select 1' < /dev/null || true

FROM node:${NODE_VERSION}-alpine
ENV APP_HOME=/app
COPY --from=build /app/dist /app/dist
COPY --from=build /app/.env.example /app/.env
USER node
CMD ["node", "/app/dist/server.js"]
