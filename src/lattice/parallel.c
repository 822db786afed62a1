/* Chains and samples spread over the ranks, and their rows gathered or written in global order
 * (src/lattice/lattice_impl.h). Every item (a chain, a sample) lives on exactly one rank and draws its random
 * numbers from its own Philox counters, so that the results do not depend on the number of ranks. */
#include "lattice_impl.h"

PetscErrorCode FrgLatticeDistribute(MPI_Comm comm, PetscInt count, PetscInt *first, PetscInt *local)
{
  PetscMPIInt rank, size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  *local = count / size + (rank < count % size ? 1 : 0);
  *first = rank * (count / size) + PetscMin(rank, count % size);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgLatticeGatherRows(MPI_Comm comm, PetscInt count, PetscInt width, const PetscReal *mine, PetscReal *all)
{
  PetscMPIInt size, rank, *counts = NULL, *displs = NULL;
  PetscInt    first, local;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(FrgLatticeDistribute(comm, count, &first, &local));
  PetscCheck((double)count * width < 2147483647.0, comm, PETSC_ERR_SUP, "%" PetscInt_FMT " rows of %" PetscInt_FMT " values are too many to gather", count, width);
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  for (PetscMPIInt r = 0; r < size; r++) {
    const PetscInt n = count / size + (r < count % size ? 1 : 0), f = r * (count / size) + PetscMin(r, count % size);
    counts[r] = (PetscMPIInt)(n * width);
    displs[r] = (PetscMPIInt)(f * width);
  }
  PetscCallMPI(MPI_Gatherv(mine, (PetscMPIInt)(local * width), MPIU_REAL, all, counts, displs, MPIU_REAL, 0, comm));
  PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgLatticeWriteRows(MPI_Comm comm, hid_t file, const char name[], int rank_of, const hsize_t dims[], PetscInt first, PetscInt local,
                                   const PetscReal *rows, const char description[])
{
  hsize_t offset[4] = {(hsize_t)first, 0, 0, 0}, count[4];
  hid_t   space, mem, dset, dxpl;

  PetscFunctionBeginUser;
  for (int k = 0; k < rank_of; k++) count[k] = k ? dims[k] : (hsize_t)local;
  space = H5Screate_simple(rank_of, dims, NULL);
  dset  = H5Dcreate2(file, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(dset >= 0, comm, PETSC_ERR_FILE_WRITE, "cannot create HDF5 dataset %s", name);
  mem = H5Screate_simple(rank_of, count, NULL);
  if (local) FrgCallHDF5(comm, H5Sselect_hyperslab(space, H5S_SELECT_SET, offset, NULL, count, NULL));
  else {
    FrgCallHDF5(comm, H5Sselect_none(space));
    FrgCallHDF5(comm, H5Sselect_none(mem));
  }
  PetscCall(FrgH5TransferCollective(comm, &dxpl));
  if (dims[0]) FrgCallHDF5Collective(comm, H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, space, dxpl, rows)); /* MPI-IO fails on empty writes */
  PetscCall(FrgH5WriteAttributeString(comm, dset, "description", description));
  FrgCallHDF5(comm, H5Pclose(dxpl));
  FrgCallHDF5(comm, H5Sclose(mem));
  FrgCallHDF5(comm, H5Sclose(space));
  FrgCallHDF5(comm, H5Dclose(dset));
  PetscFunctionReturn(PETSC_SUCCESS);
}
