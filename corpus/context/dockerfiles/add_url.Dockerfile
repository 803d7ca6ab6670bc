# syntax=docker/dockerfile:1
# dockerfile.add_url and dockerfile.url_credentials (fake credentials)
FROM debian:bookworm-slim
ARG ARTIFACT_USER
ADD https://example.com/releases/tool-1.2.3.tar.gz /opt/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/releases/pinned.tar.gz /opt/
ADD https://deploy:fake-password-0000@artifacts.example.com/app.tar.gz?build=7 /opt/
ADD https://${ARTIFACT_USER}@artifacts.example.com/app2.tar.gz /opt/
ADD git@github.com:example/tools.git /src/tools
