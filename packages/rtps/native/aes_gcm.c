// AES-GCM with a key set up once (part of @medkit/rtps's optional addon, for src/security/crypto/aes-gcm.ts).
//
// Why: Node.js 20's crypto has no way to give an existing cipher a new IV, so opening a protected message with
// createDecipheriv expands the key and precomputes GHASH's tables every time; for 1 KiB samples that set-up is
// most of the cost. Here a context keeps its expanded key and only the IV changes per message. OpenSSL is the
// one inside the node binary (its symbols are exported for addons), so the addon adds no library of its own.
//
// JavaScript passes Buffers and offsets computed from peer data: every offset and length is checked here again
// against the Buffer it refers to before a byte is read or written.
#include <limits.h>
#include <node_api.h>
#include <openssl/evp.h>

#include "native.h"

#define IV_BYTES 12
#define TAG_BYTES 16

// Marks the externals this addon made, so a foreign value passed as a context is refused, not dereferenced.
static const napi_type_tag CONTEXT_TAG = {0x6d65646b69744145ULL, 0x53474d43746f6b6eULL};

static void context_free(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  EVP_CIPHER_CTX_free((EVP_CIPHER_CTX*)data);
}

static napi_value throw_type(napi_env env, const char* message) {
  napi_throw_type_error(env, "ERR_MEDKIT_AES_GCM", message);
  return NULL;
}

// Bytes of a Buffer (or of any typed array view: a Buffer's subarray is one).
static int bytes_of(napi_env env, napi_value v, unsigned char** data, size_t* length) {
  bool is_buffer = false;
  if (napi_is_buffer(env, v, &is_buffer) != napi_ok || !is_buffer) return 0;
  return napi_get_buffer_info(env, v, (void**)data, length) == napi_ok;
}

static int offset_of(napi_env env, napi_value v, int64_t* out) {
  return napi_get_value_int64(env, v, out) == napi_ok && *out >= 0;
}

// createDecryptContext(key: Buffer of 16 or 32 bytes) -> external context
napi_value create_decrypt_context(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1) return throw_type(env, "createDecryptContext(key)");
  unsigned char* key;
  size_t key_length;
  if (!bytes_of(env, argv[0], &key, &key_length) || (key_length != 16 && key_length != 32)) return throw_type(env, "an AES-GCM key is 16 or 32 bytes");
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == NULL || EVP_DecryptInit_ex(ctx, key_length == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL, key, NULL) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    napi_throw_error(env, "ERR_MEDKIT_AES_GCM", "OpenSSL could not set up the AES-GCM key");
    return NULL;
  }
  napi_value external;
  if (napi_create_external(env, ctx, context_free, NULL, &external) != napi_ok) {
    EVP_CIPHER_CTX_free(ctx);
    return NULL;
  }
  napi_type_tag_object(env, external, &CONTEXT_TAG);
  return external;
}

// open(context, ivBuf, ivAt, tagBuf, tagAt, ciphertext | null, aad | null, out | null) -> boolean
// Decrypts `ciphertext` into `out` (at least as long) and checks the tag over aad and ciphertext; with no
// ciphertext, checks a GMAC of `aad`. False when the tag does not verify: `out` then holds nothing to use.
napi_value open_message(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value a[8];
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc != 8) return throw_type(env, "open(context, iv, ivAt, tag, tagAt, ciphertext, aad, out)");
  bool tagged = false;
  EVP_CIPHER_CTX* ctx = NULL;
  if (napi_check_object_type_tag(env, a[0], &CONTEXT_TAG, &tagged) != napi_ok || !tagged || napi_get_value_external(env, a[0], (void**)&ctx) != napi_ok) return throw_type(env, "not an AES-GCM context");
  unsigned char *iv, *tag, *ct = NULL, *aad = NULL, *out = NULL;
  size_t iv_length, tag_length, ct_length = 0, aad_length = 0, out_length = 0;
  int64_t iv_at, tag_at;
  napi_valuetype t;
  if (!bytes_of(env, a[1], &iv, &iv_length) || !offset_of(env, a[2], &iv_at) || (uint64_t)iv_at > iv_length || iv_length - (size_t)iv_at < IV_BYTES) return throw_type(env, "the IV lies outside its buffer");
  if (!bytes_of(env, a[3], &tag, &tag_length) || !offset_of(env, a[4], &tag_at) || (uint64_t)tag_at > tag_length || tag_length - (size_t)tag_at < TAG_BYTES) return throw_type(env, "the tag lies outside its buffer");
  if (napi_typeof(env, a[5], &t) != napi_ok || (t != napi_null && !bytes_of(env, a[5], &ct, &ct_length))) return throw_type(env, "ciphertext: a Buffer or null");
  if (napi_typeof(env, a[6], &t) != napi_ok || (t != napi_null && !bytes_of(env, a[6], &aad, &aad_length))) return throw_type(env, "aad: a Buffer or null");
  if (napi_typeof(env, a[7], &t) != napi_ok || (t != napi_null && !bytes_of(env, a[7], &out, &out_length))) return throw_type(env, "out: a Buffer or null");
  if (ct_length > out_length || ct_length > INT_MAX || aad_length > INT_MAX) return throw_type(env, "out is shorter than the ciphertext");

  int n = 0;
  int ok = EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, iv + iv_at) == 1;
  if (ok && aad_length > 0) ok = EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_length) == 1;
  if (ok && ct_length > 0) ok = EVP_DecryptUpdate(ctx, out, &n, ct, (int)ct_length) == 1;
  // The tag is copied by OpenSSL; the buffer may be reused by JavaScript afterwards.
  if (ok) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, tag + tag_at) == 1;
  // GCM's final step writes nothing; it still wants somewhere to write.
  unsigned char none[TAG_BYTES];
  int rest = 0;
  if (ok) ok = EVP_DecryptFinal_ex(ctx, out == NULL ? none : out + n, &rest) == 1;
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}
