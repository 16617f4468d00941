// @medkit/rtps's optional addon: AES-GCM with a key set up once (aes_gcm.c) and batched UDP receive
// (udp_receive.c). Everything here has a pure JavaScript fallback in the package.
#include "native.h"

static void define(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &f);
  napi_set_named_property(env, exports, name, f);
}

NAPI_MODULE_INIT() {
  define(env, exports, "createDecryptContext", create_decrypt_context);
  define(env, exports, "open", open_message);
  define(env, exports, "openUdpReceiver", open_udp_receiver);
  define(env, exports, "closeUdpReceiver", close_udp_receiver);
  define(env, exports, "aimUdpReceiver", aim_udp_receiver);
  return exports;
}
