/*
 * A freestanding Mach-O image for MachOImageTests, built by clang and LLVM's ld64.lld on Linux (no macOS SDK): code,
 * initialised data and 100,000 zero-filled bytes, so __DATA is larger in memory than in the file, as a driver's is.
 */
int BccDriverGlue[20] = { 1 };
char Zeroed[100000];

int Touch(int index)
{
    Zeroed[index] = 1;
    return index + BccDriverGlue[index % 20];
}
