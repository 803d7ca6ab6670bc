# syntax=docker/dockerfile:1
# dockerfile.copy_sensitive and dockerfile.copy_context
FROM node:22-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY .npmrc ./
COPY .env .env.example ./
COPY ["deploy/id_rsa", "/root/.ssh/id_rsa"]
COPY deploy/id_rsa.pub /root/.ssh/
COPY certs/*.pem /etc/ssl/private/
COPY secrets/ /run/app-secrets/
ADD .aws/credentials /root/.aws/credentials
COPY src/ ./src/
COPY . .
RUN npm run build

FROM node:22-alpine
# from a stage, not from the context: not flagged
COPY --from=build /app/.env /app/.env
COPY --from=build /app/dist /app/dist
