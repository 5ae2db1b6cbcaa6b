/* Calls libmynet.so through mynet.h: loads weights, predicts the rows of a file of floats, writes the outputs, and
   checks that bad calls fail with a message instead of crashing (Export/NativeLibraryTests compares the outputs with
   AotNet's Predict bit for bit).
   usage: predict WEIGHTS.safetensors INPUTS.f32 ROWS OUTPUTS.f32 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mynet.h"

static int expect_error(int failed, const char* what, const char* needle)
{
    const char* message = mynet_last_error();
    if (!failed || strstr(message, needle) == NULL) {
        fprintf(stderr, "%s: expected an error with \"%s\", got %s \"%s\"\n", what, needle, failed ? "failure" : "success", message);
        return 1;
    }
    printf("%s -> %s\n", what, message);
    return 0;
}

int main(int argc, char** argv)
{
    if (argc != 5) { fprintf(stderr, "usage: predict WEIGHTS INPUTS ROWS OUTPUTS\n"); return 2; }
    size_t rows = (size_t)strtoul(argv[3], NULL, 10);
    size_t in = (size_t)mynet_input_size(), out = (size_t)mynet_output_size();
    float* inputs = malloc(rows * in * sizeof(float));
    float* outputs = malloc(rows * out * sizeof(float));
    FILE* f = fopen(argv[2], "rb");
    if (!f || fread(inputs, sizeof(float), rows * in, f) != rows * in) { fprintf(stderr, "cannot read %s\n", argv[2]); return 2; }
    fclose(f);

    int bad = 0;
    bad |= expect_error(mynet_load("/nonexistent/weights.safetensors") == NULL, "load missing file", "no such file");
    bad |= expect_error(mynet_load(NULL) == NULL, "load NULL path", "NULL");
    bad |= expect_error(mynet_load_buffer("not a safetensors file", 22) == NULL, "load garbage buffer", "safetensors buffer");

    mynet_model* model = mynet_load(argv[1]);
    if (model == NULL) { fprintf(stderr, "load: %s\n", mynet_last_error()); return 1; }
    bad |= expect_error(mynet_predict(model, inputs, rows, in - 1, outputs, rows * out) != 0, "wrong row size", "row size");
    bad |= expect_error(mynet_predict(model, inputs, rows, in, outputs, rows * out - 1) != 0, "outputs too small", "outputs hold");
    bad |= expect_error(mynet_predict(model, NULL, rows, in, outputs, rows * out) != 0, "NULL inputs", "inputs is NULL");
    bad |= expect_error(mynet_predict(NULL, inputs, rows, in, outputs, rows * out) != 0, "NULL model", "handle");
    if (mynet_predict(model, inputs, rows, in, outputs, rows * out) != 0) { fprintf(stderr, "predict: %s\n", mynet_last_error()); return 1; }
    if (mynet_last_error()[0] != '\0') { fprintf(stderr, "last error not cleared: %s\n", mynet_last_error()); return 1; }
    mynet_free(model);
    mynet_free(NULL);

    f = fopen(argv[4], "wb");
    if (!f || fwrite(outputs, sizeof(float), rows * out, f) != rows * out) { fprintf(stderr, "cannot write %s\n", argv[4]); return 2; }
    fclose(f);
    free(inputs);
    free(outputs);
    printf("predicted %zu rows\n", rows);
    return bad;
}
