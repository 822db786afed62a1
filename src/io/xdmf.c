/* The XDMF companion of a 2D flow file: NAME.xmf beside NAME.h5 (a NAME without .h5 gets .xmf
 * appended), so that ParaView or VisIt open /flow/U as a time series on the field grid directly.
 * XDMF 2 (xdmf.org): a temporal collection of uniform grids, one per record of /flow/t, each a
 * 2DCoRectMesh of the cell centres (origin and spacing) with U as node data, read from the HDF5
 * file by a hyperslab of one record. XDMF orders dimensions slowest first, as the file stores U
 * ([time, phi1, phi2]), so its first axis is phi1 and ParaView draws phi1 along y and phi2 along x.
 * The file names the HDF5 file without its folder: keep the two side by side. */
#include <frg/output.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void FrgXDMFPath(const char h5[], char xmf[], size_t len)
{
  size_t n = strlen(h5);

  if (n > 3 && !strcmp(h5 + n - 3, ".h5")) n -= 3;
  snprintf(xmf, len, "%.*s.xmf", (int)n, h5);
}

static int FrgXDMFWrite(FILE *fp, const char h5[], FrgGrid grid, PetscInt records, const PetscReal t[])
{
  PetscInt  nx, ny;
  PetscReal x0, y0, hx, hy;
  int       ok = 1;

  (void)FrgGridGetDirection(grid, 0, &nx, &x0, &hx);
  (void)FrgGridGetDirection(grid, 1, &ny, &y0, &hy);
  ok &= fprintf(fp, "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n<Xdmf Version=\"2.0\">\n <Domain>\n") > 0;
  ok &= fprintf(fp, "  <Grid Name=\"flow\" GridType=\"Collection\" CollectionType=\"Temporal\">\n") > 0;
  for (PetscInt r = 0; r < records && ok; r++) {
    ok &= fprintf(fp, "   <Grid Name=\"U\" GridType=\"Uniform\">\n    <Time Value=\"%.17g\"/>\n", (double)t[r]) > 0;
    ok &= fprintf(fp, "    <Topology TopologyType=\"2DCoRectMesh\" Dimensions=\"%" PetscInt_FMT " %" PetscInt_FMT "\"/>\n", nx, ny) > 0;
    ok &= fprintf(fp, "    <Geometry GeometryType=\"ORIGIN_DXDY\">\n     <DataItem Dimensions=\"2\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">%.17g %.17g</DataItem>\n", (double)x0, (double)y0) > 0;
    ok &= fprintf(fp, "     <DataItem Dimensions=\"2\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">%.17g %.17g</DataItem>\n    </Geometry>\n", (double)hx, (double)hy) > 0;
    ok &= fprintf(fp, "    <Attribute Name=\"U\" AttributeType=\"Scalar\" Center=\"Node\">\n") > 0;
    ok &= fprintf(fp, "     <DataItem ItemType=\"HyperSlab\" Dimensions=\"1 %" PetscInt_FMT " %" PetscInt_FMT "\" Type=\"HyperSlab\">\n", nx, ny) > 0;
    ok &= fprintf(fp, "      <DataItem Dimensions=\"3 3\" Format=\"XML\">%" PetscInt_FMT " 0 0 1 1 1 1 %" PetscInt_FMT " %" PetscInt_FMT "</DataItem>\n", r, nx, ny) > 0;
    ok &= fprintf(fp, "      <DataItem Dimensions=\"%" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/flow/U</DataItem>\n", records, nx, ny, h5) > 0;
    ok &= fprintf(fp, "     </DataItem>\n    </Attribute>\n   </Grid>\n") > 0;
  }
  ok &= fprintf(fp, "  </Grid>\n </Domain>\n</Xdmf>\n") > 0;
  return ok;
}

/* Writes the companion of the closed file out (its records' times) for grid, on rank 0, through a
 * temporary file renamed at the end. Collective. */
PetscErrorCode FrgOutputWriteXDMF(FrgOutput out, FrgGrid grid)
{
  char        xmf[PETSC_MAX_PATH_LEN + 8], tmp[PETSC_MAX_PATH_LEN + 24], h5[PETSC_MAX_PATH_LEN];
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCheck(out->cells_y > 0 && !out->open, out->comm, PETSC_ERR_ARG_WRONGSTATE, "an XDMF companion is written for a closed 2D flow file");
  FrgXDMFPath(out->name, xmf, sizeof(xmf));
  PetscCallMPI(MPI_Comm_rank(out->comm, &rank));
  if (!rank) {
    FILE *fp;
    PetscCall(PetscStrncpy(h5, out->name, sizeof(h5)));
    snprintf(tmp, sizeof(tmp), "%s.partial", xmf);
    errno = 0;
    fp    = fopen(tmp, "w");
    if (!fp) err = errno ? errno : EIO;
    else {
      const int ok = FrgXDMFWrite(fp, basename(h5), grid, out->records, out->columns[0]);
      if ((fclose(fp) != 0) | !ok) err = errno ? errno : EIO;
      if (!err && rename(tmp, xmf)) err = errno;
      if (err) (void)unlink(tmp);
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, out->comm));
  PetscCheck(!err, out->comm, PETSC_ERR_FILE_WRITE, "-output %s: its XDMF companion %s cannot be written: %s (the HDF5 file is complete)", out->name, xmf, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}
