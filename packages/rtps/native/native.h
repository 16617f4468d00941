// The functions of @medkit/rtps's optional addon, registered by addon.c.
#ifndef MEDKIT_RTPS_NATIVE_H
#define MEDKIT_RTPS_NATIVE_H
#include <node_api.h>

napi_value create_decrypt_context(napi_env env, napi_callback_info info);
napi_value open_message(napi_env env, napi_callback_info info);
napi_value open_udp_receiver(napi_env env, napi_callback_info info);
napi_value close_udp_receiver(napi_env env, napi_callback_info info);
napi_value aim_udp_receiver(napi_env env, napi_callback_info info);

#endif
