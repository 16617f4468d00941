// Table caption and header row for the resource tables; an empty column name is an actions column.
export function TableHead({ caption, columns }: { caption: string; columns: string[] }) {
  return (
    <>
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} scope="col">
              {c || <span class="visually-hidden">Actions</span>}
            </th>
          ))}
        </tr>
      </thead>
    </>
  );
}
