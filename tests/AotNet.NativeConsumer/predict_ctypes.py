"""Calls libmynet.so from Python with ctypes: loads weights from bytes, predicts the rows of a file of floats, writes
the outputs (Export/NativeLibraryTests compares them with AotNet's Predict bit for bit).
usage: python3 predict_ctypes.py LIB WEIGHTS INPUTS ROWS OUTPUTS"""
import ctypes
import sys

lib_path, weights, inputs_path, rows, outputs_path = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
lib = ctypes.CDLL(lib_path)
lib.mynet_load_buffer.restype = ctypes.c_void_p
lib.mynet_load_buffer.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
lib.mynet_predict.restype = ctypes.c_int32
lib.mynet_predict.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), ctypes.c_size_t, ctypes.c_size_t,
                              ctypes.POINTER(ctypes.c_float), ctypes.c_size_t]
lib.mynet_free.argtypes = [ctypes.c_void_p]
lib.mynet_last_error.restype = ctypes.c_char_p
n_in, n_out = lib.mynet_input_size(), lib.mynet_output_size()

data = open(weights, "rb").read()
model = lib.mynet_load_buffer(data, len(data))
if not model:
    sys.exit("load_buffer: " + lib.mynet_last_error().decode())
inputs = (ctypes.c_float * (rows * n_in)).from_buffer_copy(open(inputs_path, "rb").read())
outputs = (ctypes.c_float * (rows * n_out))()
if lib.mynet_predict(model, inputs, rows, n_in + 1, outputs, rows * n_out) != -1:
    sys.exit("a wrong row size was accepted")
message = lib.mynet_last_error().decode()
assert "row size" in message, message
if lib.mynet_predict(model, inputs, rows, n_in, outputs, rows * n_out) != 0:
    sys.exit("predict: " + lib.mynet_last_error().decode())
lib.mynet_free(model)
open(outputs_path, "wb").write(bytes(outputs))
print("predicted", rows, "rows;", "wrong row size ->", message)
