# @medkit/rtps's optional addon (addon.c): built by scripts/build-native.mjs against the headers of the Node.js that
# runs it, whose own OpenSSL it links against (the node binary exports it): no other library.
{
  "targets": [
    {
      "target_name": "medkit_rtps",
      "sources": ["addon.c", "aes_gcm.c", "udp_receive.c", "udp_placement.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Werror"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
