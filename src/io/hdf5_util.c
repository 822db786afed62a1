/* Small collective HDF5 helpers: property lists, attributes (every rank passes the same value) and
 * 1D columns (rank 0 writes the data, the others select nothing; creation is collective). */
#include <frg/output.h>

/* File access for comm: MPI-IO on several ranks, the default POSIX driver on one. The file format is
 * the same; opening a file through MPI-IO loads and initializes Open MPI's I/O components, which took
 * 9 ms of a 27 ms single-rank 0D flow. The caller closes *fapl. Collective. */
PETSC_INTERN PetscErrorCode FrgH5FileAccess(MPI_Comm comm, hid_t *fapl)
{
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  *fapl = H5Pcreate(H5P_FILE_ACCESS);
  PetscCheck(*fapl >= 0, comm, PETSC_ERR_LIB, "H5Pcreate failed");
  if (size > 1) FrgCallHDF5(comm, H5Pset_fapl_mpio(*fapl, comm, MPI_INFO_NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Dataset transfer for a file opened with FrgH5FileAccess(comm): collective MPI-IO on several ranks,
 * the default on one. The caller closes *dxpl. Not collective. */
PETSC_INTERN PetscErrorCode FrgH5TransferCollective(MPI_Comm comm, hid_t *dxpl)
{
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  *dxpl = H5Pcreate(H5P_DATASET_XFER);
  PetscCheck(*dxpl >= 0, comm, PETSC_ERR_LIB, "H5Pcreate failed");
  if (size > 1) FrgCallHDF5(comm, H5Pset_dxpl_mpio(*dxpl, H5FD_MPIO_COLLECTIVE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgH5OpenGroup(MPI_Comm comm, hid_t file, const char path[], hid_t *group)
{
  PetscFunctionBeginUser;
  if (H5Lexists(file, path, H5P_DEFAULT) > 0) *group = H5Gopen2(file, path, H5P_DEFAULT);
  else *group = H5Gcreate2(file, path, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(*group >= 0, comm, PETSC_ERR_FILE_WRITE, "cannot open HDF5 group %s", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgH5WriteAttribute(MPI_Comm comm, hid_t loc, const char name[], hid_t type, const void *value)
{
  hid_t space, attr;

  PetscFunctionBeginUser;
  if (H5Aexists(loc, name) > 0) FrgCallHDF5(comm, H5Adelete(loc, name));
  space = H5Screate(H5S_SCALAR);
  attr  = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(attr >= 0, comm, PETSC_ERR_FILE_WRITE, "cannot create HDF5 attribute %s", name);
  FrgCallHDF5(comm, H5Awrite(attr, type, value));
  FrgCallHDF5(comm, H5Aclose(attr));
  FrgCallHDF5(comm, H5Sclose(space));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgH5WriteAttributeReal(MPI_Comm comm, hid_t loc, const char name[], PetscReal value)
{
  double v = (double)value;

  PetscFunctionBeginUser;
  PetscCall(FrgH5WriteAttribute(comm, loc, name, H5T_NATIVE_DOUBLE, &v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgH5WriteAttributeInt(MPI_Comm comm, hid_t loc, const char name[], PetscInt value)
{
  long long v = (long long)value;

  PetscFunctionBeginUser;
  PetscCall(FrgH5WriteAttribute(comm, loc, name, H5T_NATIVE_LLONG, &v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgH5WriteAttributeString(MPI_Comm comm, hid_t loc, const char name[], const char value[])
{
  hid_t type = H5Tcopy(H5T_C_S1);

  PetscFunctionBeginUser;
  FrgCallHDF5(comm, H5Tset_size(type, strlen(value) + 1));
  FrgCallHDF5(comm, H5Tset_strpad(type, H5T_STR_NULLTERM));
  PetscCall(FrgH5WriteAttribute(comm, loc, name, type, value));
  FrgCallHDF5(comm, H5Tclose(type));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A text of any length: an attribute when short, else (an HDF5 object header holds at most 64 KiB of
 * attributes: a deck of 71 KB failed at the end of the run) a dataset of one string of the same name in
 * loc. Readers take either (frgpy: Result.provenance). Every rank passes the same text. Collective. */
PETSC_INTERN PetscErrorCode FrgH5WriteText(MPI_Comm comm, hid_t loc, const char name[], const char value[])
{
  const size_t length = strlen(value);
  hid_t        type;

  PetscFunctionBeginUser;
  if (length < 8192) {
    PetscCall(FrgH5WriteAttributeString(comm, loc, name, value));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  type = H5Tcopy(H5T_C_S1);
  FrgCallHDF5(comm, H5Tset_size(type, length + 1));
  FrgCallHDF5(comm, H5Tset_strpad(type, H5T_STR_NULLTERM));
  PetscCall(FrgH5WriteColumnOfType(comm, loc, name, type, value, 1));
  FrgCallHDF5(comm, H5Tclose(type));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A 1D dataset of count elements of an HDF5 type; rank 0's data are written. Collective. */
PETSC_INTERN PetscErrorCode FrgH5WriteColumnOfType(MPI_Comm comm, hid_t loc, const char name[], hid_t type, const void *data, PetscInt count)
{
  hsize_t     dims = (hsize_t)count;
  hid_t       space, dset, mem, dxpl;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  space = H5Screate_simple(1, &dims, NULL);
  dset  = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(dset >= 0, comm, PETSC_ERR_FILE_WRITE, "cannot create HDF5 dataset %s", name);
  mem = H5Screate_simple(1, &dims, NULL);
  if (rank) {
    FrgCallHDF5(comm, H5Sselect_none(space));
    FrgCallHDF5(comm, H5Sselect_none(mem));
  }
  PetscCall(FrgH5TransferCollective(comm, &dxpl));
  if (count > 0) FrgCallHDF5Collective(comm, H5Dwrite(dset, type, mem, space, dxpl, data));
  FrgCallHDF5(comm, H5Pclose(dxpl));
  FrgCallHDF5(comm, H5Sclose(mem));
  FrgCallHDF5(comm, H5Sclose(space));
  FrgCallHDF5(comm, H5Dclose(dset));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgH5WriteColumn(MPI_Comm comm, hid_t loc, const char name[], const PetscReal *values, PetscInt count)
{
  PetscFunctionBeginUser;
  PetscCall(FrgH5WriteColumnOfType(comm, loc, name, H5T_NATIVE_DOUBLE, values, count));
  PetscFunctionReturn(PETSC_SUCCESS);
}
