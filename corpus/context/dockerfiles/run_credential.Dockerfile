# syntax=docker/dockerfile:1
# dockerfile.run_credential and dockerfile.url_credentials: literal
# credentials on RUN command lines (all fake)
FROM python:3.12-slim
RUN curl -fsSL -u deploy:fake-pass-1234 https://artifacts.example.com/a.tgz -o /tmp/a.tgz
RUN wget --password=fake-pass-5678 https://example.com/b.tgz && \
    mysql -uroot -pfake-root-pass -e 'select 1'
RUN npm config set //registry.npmjs.org/:_authToken fake-npm-token-0000 && \
    echo "//npm.example.com/:_authToken=fake-npm-token-1111" > ~/.npmrc
RUN git clone https://x-access-token:fake-gh-token-2222@github.com/example/app.git /src
RUN pip install --index-url https://pypi-user:fake-pypi-pass@pypi.example.com/simple app
RUN docker login -u bot -p fake-registry-pass registry.example.com
RUN curl -H "Authorization: Bearer fake-bearer-3333" https://api.example.com/v1/me
RUN ["curl", "-u", "svc:fake-exec-pass", "https://example.com/exec"]
RUN <<EOF
set -e
export API_TOKEN=fake-heredoc-token-4444
curl -u admin https://example.com/asks-for-password
EOF
