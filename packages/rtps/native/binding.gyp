# The optional AES-GCM addon of @medkit/rtps (aes_gcm.c). Built by scripts/build-native.mjs against the headers
# of the Node.js that runs it, whose own OpenSSL it links against (the node binary exports it): no other library.
{
  "targets": [
    {
      "target_name": "medkit_aes_gcm",
      "sources": ["aes_gcm.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Werror"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
