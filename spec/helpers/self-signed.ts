/**
 * A self-signed certificate for localhost and 127.0.0.1, for tests only: what a server with a
 * certificate nobody signed presents. Made with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=localhost
 * -addext subjectAltName=DNS:localhost,IP:127.0.0.1` (valid until 2126). The key protects nothing.
 */
export const SELF_SIGNED = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7aRMkO+Ark6vZeS4
pfUSx+Azmib4Ul5swRp8hSXHM6ihRANCAAQimR5sMeKbkawHRwObeQFICJyGnJz+
0ix/cP7nsJBtxM35ofa+2WbKXt/P98V+PP2zlYzT77XxbRxbGpI+v/dh
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUeGu2qnv7wb9f9io6ULrbz5OCbDQwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEzMDE0MTEyN1oYDzIxMjYxMTA2
MTQxMTI3WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQimR5sMeKbkawHRwObeQFICJyGnJz+0ix/cP7nsJBtxM35ofa+2WbK
Xt/P98V+PP2zlYzT77XxbRxbGpI+v/dho28wbTAdBgNVHQ4EFgQUCfShWHGAbJuR
jdl4/CD/XY36ovYwHwYDVR0jBBgwFoAUCfShWHGAbJuRjdl4/CD/XY36ovYwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIgbRka6iWXQJ16VGXDXQIXoCSn/iFQycWxxjLEXknIwjICIQDc
ARMa7A7q2H9hoVBp65IDcCXUGWpa1aRIblXvVgtrfw==
-----END CERTIFICATE-----
`,
};
